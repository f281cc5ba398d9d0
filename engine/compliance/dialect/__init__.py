"""Dialect rules: what of Camunda 7 the runtime supports, and what a diagram would cost it."""

"""Camunda Forms on the server: the schema, field checks, conditions, patterns, validation."""

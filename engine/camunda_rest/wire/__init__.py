"""Camunda 7's JSON on the wire: errors, dates and ids, typed variables, query parameters, history DTOs."""

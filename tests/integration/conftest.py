"""Fixtures shared by the integration tests: ``live`` (Sanxiang on a socket, driven by pycamunda,
every /engine-rest response checked against Camunda 7.21's OpenAPI document)."""

from tests.integration.engine_rest_live import dialect_live, live

__all__ = ["dialect_live", "live"]

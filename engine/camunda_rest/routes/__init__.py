"""/engine-rest's routes, one module per Camunda resource, and what every handler reads."""

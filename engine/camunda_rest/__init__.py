"""/engine-rest: the subset of Camunda 7's REST API for Modeler and Camunda clients."""

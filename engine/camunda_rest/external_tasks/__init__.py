"""/engine-rest/external-task: Camunda 7's external tasks for workers (``engine.external_tasks``)."""

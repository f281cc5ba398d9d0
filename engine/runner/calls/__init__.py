"""Camunda 7's cross-scope constructs on top of SpiffWorkflow: BPMN errors thrown at a task (by a person's
client, an external worker or a service handler) and call activities run as child cases."""

"""External tasks (Camunda 7's ``camunda:type="external"``): the rows workers fetch and lock, the rules
of a lock, and the steps a worker's completion, failure or BPMN error make on a case."""

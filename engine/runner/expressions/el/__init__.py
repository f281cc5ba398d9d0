"""JUEL (EL 2.2) as Camunda 7 runs it: tokens, translation, nodes, coercion, operations."""

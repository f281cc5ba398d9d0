"""A BPMN file read safely: hardened XML, namespaces, the read-only document, the flow graph."""

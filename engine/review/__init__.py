"""Legal review (法制审核) of major decisions: checklist, catalogue, gate, established facts."""

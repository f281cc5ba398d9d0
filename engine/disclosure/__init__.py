"""Publication of decisions (公示): the rule, redaction, publishing, query codes, statistics, portal."""

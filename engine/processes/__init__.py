"""Deployed processes: deploy diagrams and forms, migrate live cases to a newer version."""

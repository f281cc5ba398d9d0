"""Child cases opened by call activities: linked to the parent case and its waiting call-activity task."""

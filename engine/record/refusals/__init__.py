"""Refused attempts on a case, on that case's record: the bound, the recording, the windows."""

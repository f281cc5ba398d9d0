"""The supervisor console (督查台): detection, actions, the case view, metrics."""

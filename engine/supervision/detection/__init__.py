"""The detectors behind ``engine.supervision.detect.Detection``: what they share, and the failures."""

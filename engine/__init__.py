"""Sanxiang (三项): an approval workflow engine that makes lawful procedure impossible to skip."""

__version__ = "0.1.0"

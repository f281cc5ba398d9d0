"""Deadlines of the Administrative Licensing Law: rules, calendar, tracking, due timers."""

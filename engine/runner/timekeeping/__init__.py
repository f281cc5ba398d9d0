"""Time as the runner sees it: the injected clock, holiday calendars, working-day functions."""

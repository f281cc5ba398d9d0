"""Cases: open one, run a step and save it, move it, its tables' repositories, the case API."""

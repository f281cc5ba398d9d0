"""User tasks: attributes resolved at creation, multi-instance bodies (会签/或签/票签), instances."""

"""Tasks: inbox, claim, complete, approval actions, drafts, forms, the work pages."""

"""People and access: the register, login, tokens, sessions, permissions, certificates."""

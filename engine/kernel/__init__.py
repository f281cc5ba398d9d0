"""What every area shares: typed ports, the context, the bureau (time zone, working days), budgets."""

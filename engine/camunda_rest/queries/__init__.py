"""What /engine-rest reads that the other areas do not: the queries, listings, derived histories."""

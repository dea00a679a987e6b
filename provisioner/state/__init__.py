"""State: the ``Store`` protocol, its SQLite and PostgreSQL implementations, leases and history."""

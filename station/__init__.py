"""station: the headless core (config, database, services)."""

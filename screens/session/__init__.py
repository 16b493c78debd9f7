"""Who is at the counter: login, the idle lock and the first run."""

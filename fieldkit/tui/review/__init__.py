"""Review mode: its screen, an operation's summary tables and map; a device's own records."""

"""Sync: devices to the central store over HTTP and by bundle files, through one ingest path."""

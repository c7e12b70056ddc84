"""Central: the store devices sync to, its ingest and guards, server, enrolment and bundles."""

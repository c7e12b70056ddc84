"""The engagement form for phones (ODK Collect, KoboCollect): an XLSForm made from the plan."""

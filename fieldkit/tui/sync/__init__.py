"""Sync mode's widgets: the device's outbox and "sync now", and central's status tables."""

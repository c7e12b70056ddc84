"""Sync mode: its screen, the device's outbox and "sync now", central's devices and problems."""

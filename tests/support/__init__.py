"""Helpers the tests share: workspaces, records, runners and browsers (no tests here)."""

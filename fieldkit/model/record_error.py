"""The error of a record that is not a well-formed engagement."""

from __future__ import annotations


class RecordError(ValueError):
    """A record that is not a well-formed engagement (missing or mistyped fields)."""

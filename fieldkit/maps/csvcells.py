"""CSV cells a spreadsheet opens as text: data never starts a formula, never splits a row."""

from __future__ import annotations

import csv
from typing import IO, Any

#: A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Text from data (ids, codes, times) as a cell: a leading quote stops a formula.

    Numbers the kit writes itself (coordinates, counts) are written as numbers, not through
    this, so a negative longitude stays a number.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def writer(out: IO[str]) -> Any:
    """A csv writer with RFC 4180 line ends: a carriage return inside a cell is quoted with
    it, so a cell can never start a new row."""
    return csv.writer(out, lineterminator="\r\n")

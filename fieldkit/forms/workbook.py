"""Write an XLSForm's sheets to an .xlsx workbook (openpyxl) and make one for an operation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from fieldkit.forms.source import read_source, with_loadouts
from fieldkit.forms.xlsform import (
    CHOICE_COLUMNS,
    SETTINGS_COLUMNS,
    SURVEY_COLUMNS,
    XLSForm,
    build_form,
)
from fieldkit.workspace import Workspace


@dataclass(frozen=True)
class FormResult:
    """The written workbook and the form's identity."""

    path: Path
    form_id: str
    version: str
    questions: int


def write_xlsx(form: XLSForm, path: Path) -> Path:
    """The three sheets to `path` (.xlsx), folders made as needed."""
    book = Workbook()
    sheets = (
        ("survey", SURVEY_COLUMNS, form.survey),
        ("choices", CHOICE_COLUMNS, form.choices),
        ("settings", SETTINGS_COLUMNS, form.settings),
    )
    book.remove(book.active)  # type: ignore[arg-type]
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_cell(row.get(c)) for c in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _cell(value: Any) -> Any:
    return None if value in (None, "") else value


def export_form(
    ws: Workspace, op: str | None, team: str | None = None, out: Path | None = None
) -> FormResult:
    """`fieldkit forms xlsform`: the engagement form of OP to ops/OP/forms/ (or `out`)."""
    source = read_source(ws, op, team)
    form = build_form(source, team)
    settings = form.settings[0]
    name = settings["form_id"] + ".xlsx"
    target = out if out is not None else ws.ops / _folder(ws, op, source.operation) / "forms" / name
    write_xlsx(form, target)
    questions = sum(1 for r in form.survey if r["type"] not in ("end_repeat", "calculate"))
    return FormResult(target, settings["form_id"], settings["version"], questions)


def _folder(ws: Workspace, op: str | None, operation: str) -> str:
    if op is not None:
        return op
    found = with_loadouts(ws)
    return found[0] if len(found) == 1 else operation

"""bench/table.py: the benches' one table printer (widths, the load and ratio columns)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def table() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_table", BENCH / "table.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_table"] = module
    spec.loader.exec_module(module)
    return module


def test_columns_are_as_wide_as_their_widest_cell_and_the_last_is_not_padded(
    table: ModuleType,
) -> None:
    text = table.render(
        ("measure", "time", "rate"),
        [("save one", "1.25", "1.0x"), ("bulk fill 100,000 records", "12.5 s", "0.31x (target)")],
        right=[1],
    )
    assert text.splitlines() == [
        "measure                      time  rate",
        "save one                     1.25  1.0x",
        "bulk fill 100,000 records  12.5 s  0.31x (target)",
    ]


def test_a_rule_under_the_head(table: ModuleType) -> None:
    lines = table.render(("case", "status"), [("barnet", "OPTIMAL")], rule=True).splitlines()
    assert lines == ["case    status", "------  -------", "barnet  OPTIMAL"]


def test_each_row_gets_the_load_before_its_ratio_or_target(
    table: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table.os, "getloadavg", lambda: (3.25, 2.0, 1.0))
    rows = table.Table(("measure", "result", "ratio / target"), right=[1])
    rows.add("sealed bundle import", "6,000/s", "0.45x (target >= 0.30x)")
    rows.extend([("baseline", "13,000/s", "1.00x")])
    assert [r[2] for r in rows] == ["3.2", "3.2"]
    assert rows.render().splitlines() == [
        "measure                 result  load  ratio / target",
        "sealed bundle import   6,000/s   3.2  0.45x (target >= 0.30x)",
        "baseline              13,000/s   3.2  1.00x",
    ]
    with pytest.raises(ValueError, match="a row of 2 cells in a table of 3"):
        rows.add("short", "row")


def test_the_load_line_names_the_cores(table: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table.os, "getloadavg", lambda: (3.25, 2.0, 1.0))
    monkeypatch.setattr(table.os, "cpu_count", lambda: 2)
    line = "load average (1, 5, 15 min) at the end: 3.25, 2.00, 1.00 on 2 cores"
    assert table.load_line() == line


def test_arguments_take_their_types_from_the_defaults(table: ModuleType, tmp_path: Path) -> None:
    args = table.arguments("Bench x.\n\nmore", ["--records", "2000", "--dir", str(tmp_path)],
                           records=20_000, limit=1.5)  # fmt: skip
    assert (args.records, args.limit, args.dir) == (2000, 1.5, tmp_path)
    with table.workdir(tmp_path) as folder:
        assert folder.parent == tmp_path and folder.is_dir()
    assert not folder.exists()

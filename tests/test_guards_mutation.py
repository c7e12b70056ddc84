"""The mutation-run configuration in pyproject.toml stays in step with the guards' code."""

from __future__ import annotations

import ast
import glob
import json
import sqlite3
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support import mutation_scores
from tests.support.paths import ROOT


def config() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def decorated_spans(path: str) -> list[str]:
    """'def-last' lines of every decorated function of a module (mutmut skips them); the
    decorator lines are left out."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return [
        f"{node.lineno}-{node.end_lineno}"
        for node in sorted(
            (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.decorator_list),
            key=lambda n: n.lineno,
        )
    ]


def test_mutmut_runs_the_focused_tests_of_every_guard() -> None:
    mutmut = config()["tool"]["mutmut"]
    assert mutmut["only_mutate"] and all((ROOT / m).is_file() for m in mutmut["only_mutate"])
    selected = mutmut["pytest_add_cli_args_test_selection"]
    assert selected and all((ROOT / t).is_file() for t in selected)
    # Only focused tests: each guard's table (test_guards_*.py), not the whole suite.
    assert all(Path(t).name.startswith("test_guards_") for t in selected)


def scanned(cosmic: dict[str, Any]) -> set[str]:
    """The modules cosmic-ray scans: those under module-path, less the excluded ones."""
    base = ROOT / cosmic["module-path"]
    found = {str(p.relative_to(ROOT)) for p in base.rglob("*.py")}
    excluded = {
        str(Path(p).relative_to(ROOT))
        for pattern in cosmic["excluded-modules"]
        for p in glob.glob(str(ROOT / pattern), recursive=True)
    }
    return found - excluded


def test_cosmic_ray_mutates_exactly_the_decorated_functions_mutmut_skips() -> None:
    cosmic = config()["cosmic-ray"]
    guards = config()["tool"]["mutmut"]["only_mutate"]
    assert set(guards) <= scanned(cosmic), "every guard is under module-path and not excluded"
    base = Path(cosmic["module-path"])
    wanted = {
        str(Path(module).relative_to(base)): spans
        for module in guards
        if (spans := decorated_spans(module))
    }
    assert cosmic["filters"]["line-filter"]["lines"] == wanted, (
        f"set [cosmic-ray.filters.line-filter] lines to {wanted}"
    )
    test_files = [w for w in cosmic["test-command"].split() if w.startswith("tests/")]
    selected = config()["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]
    assert test_files and set(test_files) <= set(selected)


def test_scores_count_every_mutant_run_or_not_and_no_filtered_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = tmp_path / "mutants" / "fieldkit" / "sync" / "known.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"a": 1, "b": 3, "c": 0, "d": None, "e": 36}  # killed twice, survived, not run, late
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    (meta.parent / "empty.py.meta").write_text('{"exit_code_by_key": {}}', encoding="utf-8")
    with sqlite3.connect(tmp_path / "cosmic-ray.sqlite") as db:
        db.execute("CREATE TABLE mutation_specs (module_path, job_id)")
        db.execute("CREATE TABLE work_results (worker_outcome, test_outcome, job_id)")
        jobs = [
            ("i.py", "1", "normal", "killed"),
            ("i.py", "2", "normal", "survived"),
            ("i.py", "3", "skipped", None),  # left out by a filter
            ("i.py", "4", None, None),  # not run yet
            ("i.py", "5", "normal", "killed"),
            ("c.py", "6", "exception", "incompetent"),
        ]
        for module, job, worker, test in jobs:
            db.execute("INSERT INTO mutation_specs VALUES (?, ?)", (module, job))
            if worker:
                db.execute("INSERT INTO work_results VALUES (?, ?, ?)", (worker, test, job))
    db.close()
    assert mutation_scores.main(tmp_path) == 0
    assert capsys.readouterr().out.splitlines() == [
        "mutmut",
        "  fieldkit/sync/known.py           3/5      60.0%",
        "cosmic-ray",
        "  c.py                             0/1       0.0%",
        "  i.py                             2/4      50.0%",
    ]
    assert mutation_scores.main(tmp_path / "nothing") == 1


def test_cosmic_ray_scores_leave_filtered_mutants_out(tmp_path: Path) -> None:
    session = tmp_path / "session.sqlite"
    with sqlite3.connect(session) as db:
        db.execute("CREATE TABLE mutation_specs (job_id TEXT, module_path TEXT)")
        db.execute(
            "CREATE TABLE work_results (job_id TEXT, worker_outcome TEXT, test_outcome TEXT)"
        )
        rows = [("1", "NORMAL", "KILLED"), ("2", "NORMAL", "SURVIVED"), ("3", "SKIPPED", None)]
        for job, worker, test in rows:
            db.execute("INSERT INTO mutation_specs VALUES (?, 'fieldkit/a.py')", (job,))
            db.execute("INSERT INTO work_results VALUES (?, ?, ?)", (job, worker, test))
        db.execute("INSERT INTO mutation_specs VALUES ('4', 'fieldkit/a.py')")  # not yet run
    assert mutation_scores.cosmic_ray_scores(session) == {"fieldkit/a.py": (1, 3)}

"""The mutation-run configuration in pyproject.toml stays in step with the guards' code."""

from __future__ import annotations

import ast
import tomllib
from typing import Any

from tests.conftest import ROOT


def config() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def decorated_spans(path: str) -> list[str]:
    """'first-last' lines of every decorated function of a module (mutmut skips them)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return [
        f"{node.decorator_list[0].lineno}-{node.end_lineno}"
        for node in sorted(
            (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.decorator_list),
            key=lambda n: n.lineno,
        )
    ]


def test_mutmut_runs_the_focused_tests_of_existing_guards() -> None:
    mutmut = config()["tool"]["mutmut"]
    assert mutmut["only_mutate"] and all((ROOT / m).is_file() for m in mutmut["only_mutate"])
    selected = mutmut["pytest_add_cli_args_test_selection"]
    assert selected and all((ROOT / t).is_file() for t in selected)


def test_cosmic_ray_mutates_exactly_the_decorated_functions_mutmut_skips() -> None:
    cosmic = config()["cosmic-ray"]
    module = cosmic["module-path"]
    assert module in config()["tool"]["mutmut"]["only_mutate"]
    wanted = decorated_spans(module)
    assert cosmic["filters"]["line-filter"]["lines"] == {module: wanted}, (
        f"set [cosmic-ray.filters.line-filter] lines to {{ {module!r} = {wanted} }}"
    )
    test_file = cosmic["test-command"].split()[-1]
    assert test_file in config()["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]

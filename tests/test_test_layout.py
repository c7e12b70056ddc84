"""The tests' own layout: a test module holds tests and imports no other test module (nor a
conftest); what several share lives in the tests/support package, fixtures in conftest.py."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import ROOT

TESTS = ROOT / "tests"


def modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__snapshots__" not in p.parts)


def is_test_module(name: str) -> bool:
    """`tests.test_x`, `tests.tui.test_x` or a conftest: modules pytest loads, not a library."""
    last = name.split(".")[-1]
    return last.startswith("test_") or last == "conftest"


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the file, inside functions too."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def imports_of_test_modules(folder: Path = TESTS) -> list[str]:
    """Places where a module under tests/ imports a test module or a conftest."""
    return [
        f"{path.relative_to(folder.parent)}:{line}: imports {name}"
        for path in modules(folder)
        for line, name in imported(path)
        if name.startswith("tests.") and is_test_module(name)
    ]


def defines_a_test(path: Path) -> bool:
    """A `test_*` function or a `Test*` class with one, at the top of the module."""
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test_"
        ):
            return True
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            return True
    return False


def modules_without_tests(folder: Path = TESTS) -> list[str]:
    """Test modules (test_*.py) under `folder` that define no test: helpers named like tests."""
    return [
        str(path.relative_to(folder.parent))
        for path in modules(folder)
        if path.name.startswith("test_") and not defines_a_test(path)
    ]


def helpers_outside_support(folder: Path = TESTS) -> list[str]:
    """Modules under `folder` that are neither tests, conftest.py, __init__.py nor in support/."""
    return [
        str(path.relative_to(folder.parent))
        for path in modules(folder)
        if not path.name.startswith("test_")
        and path.name not in ("conftest.py", "__init__.py")
        and "support" not in path.relative_to(folder).parts
    ]


def test_no_test_module_imports_another() -> None:
    assert imports_of_test_modules() == []


def test_every_test_module_defines_a_test() -> None:
    assert modules_without_tests() == []


def test_shared_helpers_live_in_the_support_package() -> None:
    assert (TESTS / "support" / "__init__.py").is_file()
    assert helpers_outside_support() == []

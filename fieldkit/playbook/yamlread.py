"""Read a playbook's YAML safely: size, encoding, duplicate keys, and the mark of every node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fieldkit.playbook.problems import PlaybookError, Problem

MAX_BYTES = 10 * 1024 * 1024
_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")

#: A path into the document: keys and list indexes from the root.
Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """The plain data of a YAML file plus where each value (and each key) was written."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of its nearest parent."""
        table = self.key_marks if key else self.marks
        if key and path in table:
            return table[path]
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: Path_, message: str, key: bool = False) -> Problem:
        line, col = self.where(path, key)
        return Problem(self.file, line, col, message)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def read_text(path: Path, label: str | None = None) -> str:
    """The file's text, refusing what is not a playbook: too big, binary, not UTF-8, missing."""
    name = label or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PlaybookError([Problem(name, 1, 1, "no such file")]) from None
    except OSError as exc:
        raise PlaybookError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    if path.is_dir():
        raise PlaybookError([Problem(name, 1, 1, "is a folder, not a playbook file")])
    if size > MAX_BYTES:
        raise PlaybookError(
            [Problem(name, 1, 1, f"file is {size / 1048576:.1f} MB; playbooks over 10 MB are refused")]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlaybookError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        line, col = _position(raw, raw.index(b"\x00"))
        raise PlaybookError([Problem(name, line, col, "binary file (NUL byte): not a YAML playbook")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        raise PlaybookError(
            [Problem(name, line, col, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
        ) from None
    return text.removeprefix("\ufeff")


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def parse(text: str, name: str) -> Document:
    """Compose the YAML into plain data with marks; every syntax problem is located."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise PlaybookError([Problem(name, 1, 1, "the playbook is empty")])
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PlaybookError([Problem(name, 1, 1, "the playbook is empty")])
        doc = Document(name, None)
        problems: list[Problem] = []
        doc.data = _build(loader, node, (), doc, problems)
    except yaml.MarkedYAMLError as exc:
        raise PlaybookError([_yaml_problem(exc, name, text)]) from None
    except yaml.YAMLError as exc:  # unmarked: rare, still never a traceback
        raise PlaybookError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise PlaybookError(problems)
    return doc


def _build(
    loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: Document, problems: list[Problem]
) -> Any:
    doc.marks[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        first_seen: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(doc.file, *_mark(key_node), "merge keys (<<) are not supported"))
                continue
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                problems.append(Problem(doc.file, *_mark(key_node), "a key must be a plain word"))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in first_seen:
                line, _ = first_seen[key]
                problems.append(
                    Problem(doc.file, *_mark(key_node), f'duplicate key "{key}" (first given on line {line})')
                )
                continue
            first_seen[key] = _mark(key_node)
            doc.key_marks[path + (key,)] = _mark(key_node)
            out[key] = _build(loader, value_node, path + (key,), doc, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), doc, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    # YAML 1.1 reads 19:30 as the base-60 number 1170: keep clock times as written.
    if node.style is None and _CLOCK.match(node.value):
        return node.value
    return loader.construct_object(node, deep=True)


def _yaml_problem(exc: yaml.MarkedYAMLError, name: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "YAML syntax error"
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "'\\t'" in problem or ("\t" in here[: max(col, 1)] and "tab" not in problem):
        tab_col = here.find("\t") + 1 if "\t" in here else col
        return Problem(name, line, tab_col, "tab character: YAML indents with spaces, not tabs")
    if "while scanning a quoted scalar" in str(exc.context or ""):
        cm = exc.context_mark
        where = (cm.line + 1, cm.column + 1) if cm else (line, col)
        return Problem(name, where[0], where[1], "quoted text is never closed (missing quote)")
    context = f" ({exc.context})" if exc.context else ""
    return Problem(name, line, col, f"YAML syntax: {problem}{context}")

"""Read a playbook's YAML safely: size, encoding, duplicate keys, and the mark of every node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fieldkit.errors import clip, quote
from fieldkit.i18n import N_, _
from fieldkit.playbook.problems import PlaybookError, Problem
from fieldkit.playbook.yamlerrors import line_col, syntax_problem

MAX_BYTES = 10 * 1024 * 1024
#: More values than this (after anchors and aliases are expanded) is not a playbook.
MAX_VALUES = 200_000
#: More keys and values than this, as written, is not a playbook (real ones write a few
#: thousand): refused before the careful parse, which takes a second per ten thousand.
MAX_NODES = 100_000
#: Characters in one value (a leaflet's text is a few thousand).
MAX_SCALAR = 100_000
MAX_DEPTH = 40
_CLOCK = re.compile(r"^\d{1,2}:\d{2}$")
_YAML = "tag:yaml.org,2002:"
_SCALAR_KINDS = {
    _YAML + "str": N_("text"),
    _YAML + "int": N_("a whole number"),
    _YAML + "float": N_("a number"),
    _YAML + "bool": N_("true or false"),
    _YAML + "null": N_("empty"),
    _YAML + "timestamp": N_("a date"),
}

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
        if key and path in self.key_marks:
            return self.key_marks[path]
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


def _refuse(name: str, message: str, line: int = 1, col: int = 1) -> PlaybookError:
    return PlaybookError([Problem(name, line, col, message)])


def read_text(path: Path, label: str | None = None) -> str:
    """The file's text, refusing what is not a playbook: too big, binary, not UTF-8, missing."""
    name = label or str(path)
    try:
        if path.is_dir():
            raise _refuse(name, _("is a folder, not a playbook file"))
        size = path.stat().st_size
    except FileNotFoundError:
        raise _refuse(name, _("no such file")) from None
    except OSError as exc:
        raise _refuse(name, _cannot_read(exc)) from None
    if size > MAX_BYTES:
        raise _refuse(
            name,
            _("the file is {size} bytes; playbooks over 10 MB are refused").format(
                size=f"{size:,}"
            ),
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _refuse(name, _cannot_read(exc)) from None
    if len(raw) > MAX_BYTES:  # grew, or a device file whose size stat cannot tell
        raise _refuse(name, _("the file is over 10 MB; playbooks over 10 MB are refused"))
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); binary or other encodings are refused."""
    if b"\x00" in raw:
        line, col = _byte_position(raw, raw.index(b"\x00"))
        raise _refuse(name, _("binary file (a NUL byte): not a YAML playbook"), line, col)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise _refuse(
            name,
            _("not UTF-8 text (byte {byte}); save the file as UTF-8").format(
                byte=f"0x{raw[exc.start]:02x}"
            ),
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of a byte offset."""
    before = raw[:offset].decode("utf-8", errors="replace")
    return line_col(before, len(before))


def _blank(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())


def parse(text: str, name: str) -> Document:
    """Compose the YAML into plain data with marks; every syntax problem is located."""
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_BYTES:
        raise _refuse(name, _("the text is over 10 MB; playbooks over 10 MB are refused"))
    if _blank(text):
        raise _refuse(name, _("the playbook is empty"))
    survey(text, name)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line, col = line_col(text, exc.position)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        message = _("control character {char} is not allowed in a playbook").format(char=char)
        raise _refuse(name, message, line, col) from None
    builder = _Builder(loader, Document(name, None))
    try:
        node = loader.get_single_node()
        if node is None:
            raise _refuse(name, _("the playbook is empty"))
        builder.doc.data = builder.build(node, (), 0)
    except _Stop:
        pass
    except _TooMany as exc:
        raise _refuse(name, _too_many(), *exc.where) from None
    except yaml.MarkedYAMLError as exc:
        raise PlaybookError([syntax_problem(exc, name, text)]) from None
    except yaml.YAMLError as exc:  # unmarked: rare, still never a traceback
        raise _refuse(name, _("YAML error: {error}").format(error=clip(str(exc)))) from None
    except RecursionError:
        mark = loader.get_mark()
        raise _refuse(
            name, _("nested too deeply to be a playbook"), mark.line + 1, mark.column + 1
        ) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise PlaybookError(builder.problems)
    return builder.doc


def survey(text: str, name: str) -> None:
    """Count the keys and values with libyaml's fast parser before the careful one composes
    them: a 10 MB list of numbers is refused after its first MAX_NODES, in a blink.

    Syntax errors are left to the careful parser, which locates and explains them.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:  # PyYAML without libyaml: _Loader still stops at MAX_NODES, slowly
        return
    parser = fast(text)
    nodes = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if not isinstance(event, yaml.NodeEvent):
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise _refuse(name, _too_many(), *_event_mark(event))
            if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR:
                raise _refuse(
                    name,
                    _(
                        "a value of {length} characters; a playbook's values are at most {most}"
                    ).format(length=f"{len(event.value):,}", most=f"{MAX_SCALAR:,}"),
                    *_event_mark(event),
                )
    except yaml.YAMLError:
        return
    finally:
        parser.dispose()


def _too_many() -> str:
    return _("more than {most} keys and values: far too many for a playbook").format(
        most=f"{MAX_NODES:,}"
    )


def _event_mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _TooMany(Exception):
    def __init__(self, where: tuple[int, int]) -> None:
        self.where = where


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that stops composing after MAX_NODES keys and values."""

    nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooMany(_event_mark(self.peek_event()))
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


class _Builder:
    """Turns composed nodes into plain data, recording marks and refusing what YAML allows
    but a playbook must not have: duplicate keys, merge keys, tags, runaway aliases."""

    def __init__(self, loader: yaml.SafeLoader, doc: Document) -> None:
        self.loader = loader
        self.doc = doc
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()  # nodes being built: an alias to one of them is a cycle

    def report(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.doc.file, *_mark(node), message))

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.doc.marks[path] = _mark(node)
        self.count += 1
        if self.count > MAX_VALUES:
            self.report(
                node,
                _("more than {most} values (anchors and aliases repeated?)").format(
                    most=f"{MAX_VALUES:,}"
                ),
            )
            raise _Stop
        if depth > MAX_DEPTH:
            self.report(node, _("nested more than {most} levels deep").format(most=MAX_DEPTH))
            return None
        if id(node) in self.active:
            self.report(node, _("an alias (*name) refers to the value that contains it"))
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if node.tag not in (_YAML + "map", _YAML + "seq"):
            self.report(node, _not_used(node.tag))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [
                    self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)
                ]
            assert isinstance(node, yaml.MappingNode)
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _YAML + "merge":
                self.report(key_node, _("merge keys (<<) are not supported"))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "":
                self.report(key_node, _("a key must be a plain word"))
                continue
            key = key_node.value
            if key in first_seen:
                line = first_seen[key]
                self.report(
                    key_node,
                    _("duplicate key {key} (first given on line {line})").format(
                        key=quote(key), line=line
                    ),
                )
                continue
            first_seen[key] = _mark(key_node)[0]
            self.doc.key_marks[path + (key,)] = _mark(key_node)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        # YAML 1.1 reads 19:30 as the base-60 number 1170: keep clock times as written.
        if node.style is None and _CLOCK.match(node.value):
            return node.value
        kind = _SCALAR_KINDS.get(node.tag)
        if kind is None:
            self.report(node, _not_used(node.tag))
            return None
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception as exc:  # e.g. 2024-02-30: matches a date, is not one
            reason = clip(str(getattr(exc, "problem", None) or exc))
            self.report(
                node,
                _("{value} is not {kind} ({reason})").format(
                    value=quote(node.value), kind=_(kind), reason=reason
                ),
            )
            return None
        return value


def _not_used(tag: str) -> str:
    return _("YAML tag {tag} is not used in playbooks").format(tag=quote(tag))


def _cannot_read(exc: OSError) -> str:
    return _("cannot read: {reason}").format(reason=exc.strerror or exc)


class _Stop(Exception):
    """Raised to stop building once the value budget is spent (the problem is recorded)."""

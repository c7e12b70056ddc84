"""YAML syntax errors as plain, located problems: tabs, unclosed quotes and brackets..."""

from __future__ import annotations

import re

import yaml

from fieldkit.errors import clip
from fieldkit.i18n import _
from fieldkit.playbook.problems import Problem

# The line breaks YAML (and so PyYAML's marks) counts.
_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_QUOTES = "\"'"


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting lines the way YAML does."""
    before = text[:index]
    breaks = list(_BREAK.finditer(before))
    if not breaks:
        return 1, index + 1
    return len(breaks) + 1, index - breaks[-1].end() + 1


def lines_of(text: str) -> list[str]:
    """The text's lines as YAML counts them (without their line breaks)."""
    return _BREAK.split(text)


def syntax_problem(exc: yaml.MarkedYAMLError, name: str, text: str) -> Problem:
    """One clear problem for a YAML syntax error, at the place a person would fix it."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    # PyYAML's own words may quote the input (an alias's name, an anchor's): cut them.
    problem = clip(str(exc.problem or "YAML syntax error"))
    context = clip(str(exc.context or ""))
    lines = lines_of(text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""

    if "'\\t'" in problem or "\t" in here[: max(col, 1)]:
        tab_col = here.find("\t") + 1 if "\t" in here else col
        return Problem(name, line, tab_col, _("tab character: YAML indents with spaces, not tabs"))
    if "quoted scalar" in context and problem.startswith("found unknown escape character"):
        return Problem(
            name,
            line,
            col,
            _(
                "unknown escape (\\) in double-quoted text: write \\\\ for a backslash, "
                "or use single quotes"
            ),
        )
    if "quoted scalar" in context and exc.context_mark is not None:
        cm = exc.context_mark
        return Problem(
            name, cm.line + 1, cm.column + 1, _("quoted text is never closed (missing quote)")
        )
    blamed = _unclosed_quote(text, line)
    if blamed is not None:
        return Problem(name, *blamed, _("quoted text is not closed on this line (missing quote)"))
    if col >= 2 and len(here) >= col - 1 and here[col - 2] in _QUOTES:
        return Problem(
            name, line, col, _("text right after a closing quote (a missing or extra quote?)")
        )
    opener = _unclosed_flow(exc, text, line)
    if opener is not None:
        cm_line, cm_col, char = opener
        closer = "]" if char == "[" else "}"
        return Problem(
            name,
            cm_line,
            cm_col,
            _('"{char}" is not closed (missing "{closer}")').format(char=char, closer=closer),
        )
    return Problem(name, line, col, _plain(problem, context))


def _plain(problem: str, context: str) -> str:
    if problem == "mapping values are not allowed here":
        return _('a ": " inside a value: quote the value, or put the key on a line of its own')
    if problem.startswith("expected <block end>") or problem.startswith("expected <block"):
        return _("bad indentation: this line does not line up with the lines above it")
    if problem.startswith("found undefined alias"):
        return _("undefined alias{name} (no &anchor of that name before it)").format(
            name=problem.removeprefix("found undefined alias")
        )
    if problem == "but found another document":
        return _("a second YAML document (---): a playbook file holds one")
    found = re.fullmatch(r"found character '(.)' that cannot start any token", problem)
    if found:
        return _('"{char}" cannot start a value: put the value in quotes').format(
            char=found.group(1)
        )
    if problem == "could not find expected ':'":
        return _('a key without ":" (or text that is not indented enough)')
    if context:
        return _("YAML syntax: {problem} ({context})").format(problem=problem, context=context)
    return _("YAML syntax: {problem}").format(problem=problem)


def _repairs(text: str, number: int, new_line: str, upto_line: int) -> bool:
    """Whether putting `new_line` for line `number` moves the first syntax error past
    `upto_line` (or removes it): then that line holds the mistake."""
    lines = lines_of(text)
    lines[number - 1] = new_line
    try:
        yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as again:
        mark = again.problem_mark or again.context_mark
        return mark is not None and mark.line + 1 > upto_line
    except Exception:
        return False
    return True


def _unclosed_quote(text: str, upto_line: int) -> tuple[int, int] | None:
    """Where a quote that is never closed on its line opened, if closing it there fixes the
    syntax error (a quoted value may span lines in YAML, so the guess is tested, not trusted)."""
    if len(text) > 1_000_000:  # each guess is tested by parsing again: keep that cheap
        return None
    tries = 0
    for number, line in enumerate(lines_of(text)[:upto_line], start=1):
        col = _open_quote(line)
        if col is None:
            continue
        tries += 1
        if tries > 5:
            return None
        if _repairs(text, number, line.rstrip() + line[col - 1], upto_line):
            return number, col
    return None


def _unclosed_flow(
    exc: yaml.MarkedYAMLError, text: str, upto_line: int
) -> tuple[int, int, str] | None:
    """The [ or { a syntax error is inside, if closing it at the end of its line fixes it."""
    cm = exc.context_mark
    context = str(exc.context or "")
    if cm is None or "while parsing a flow" not in context or len(text) > 1_000_000:
        return None
    lines = lines_of(text)
    if not 0 <= cm.line < len(lines) or cm.column >= len(lines[cm.line]):
        return None
    line = lines[cm.line]
    char = line[cm.column]
    if char not in "[{":
        return None
    closer = "]" if char == "[" else "}"
    if _repairs(text, cm.line + 1, line.rstrip() + closer, upto_line):
        return cm.line + 1, cm.column + 1, char
    return None


def _open_quote(line: str) -> int | None:
    """1-based column of a quote that starts a value on this line and is not closed on it."""
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return None
        if ch in _QUOTES and _starts_value(line, i):
            end = _closing(line, i)
            if end is None:
                return i + 1
            i = end + 1
            continue
        i += 1
    return None


def _starts_value(line: str, i: int) -> bool:
    before = line[:i].rstrip()
    return not before or before[-1] in "[{,-?" or (before[-1] == ":" and line[i - 1] == " ")


def _closing(line: str, i: int) -> int | None:
    quote, j = line[i], i + 1
    while j < len(line):
        if quote == '"' and line[j] == "\\":
            j += 2
            continue
        if line[j] == quote:
            if quote == "'" and line[j + 1 : j + 2] == "'":
                j += 2
                continue
            return j
        j += 1
    return None

"""The raw `codes:` section of a playbook checked, and a code a playbook uses checked against it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fieldkit.codes import LIST_NAMES, Code, CodeBook, CodeList, did_you_mean, load_codes
from fieldkit.errors import quote
from fieldkit.i18n import N_, _
from fieldkit.playbook.problems import Problem
from fieldkit.playbook.yamlread import Document


def strings(value: Any) -> Iterator[tuple[int | None, str]]:
    """The text values of a value that should be a code or a list of codes, with their index."""
    if isinstance(value, str):
        yield None, value
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str):
                yield i, v


#: "unknown {kind}": each code list's one code, in the user's words.
_KINDS = {
    "ilo_indicators": N_("unknown ILO indicator {code}{hint}"),
    "venue_types": N_("unknown venue type {code}{hint}"),
    "partners": N_("unknown partner {code}{hint}"),
    "skills": N_("unknown skill {code}{hint}"),
    "indicators": N_("unknown indicator {code}{hint}"),
    "outcomes": N_("unknown outcome {code}{hint}"),
    "languages": N_("unknown language {code}{hint}"),
    "nationalities": N_("unknown nationality {code}{hint}"),
    "age_bands": N_("unknown age band {code}{hint}"),
    "genders": N_("unknown gender {code}{hint}"),
    "consent": N_("unknown consent {code}{hint}"),
    "routes": N_("unknown route {code}{hint}"),
    "interpreters": N_("unknown interpreter {code}{hint}"),
    "followup_statuses": N_("unknown follow-up status {code}{hint}"),
}


def unknown_code(list_name: str, code: str, known: CodeList) -> str:
    """'unknown skill "x" (did you mean "y"?)', or the known codes when none is close."""
    hint = did_you_mean(code, known.ids)
    if not hint and len(known) <= 16:
        hint = _(" (known: {codes})").format(codes=", ".join(known.ids))
    return _(_KINDS[list_name]).format(code=quote(code), hint=hint)


def raw_codebook(data: dict[str, Any], doc: Document, out: list[Problem]) -> CodeBook:
    """The operation's lists from the raw `codes:` section, reporting every mistake in it."""
    base = load_codes()
    lists: dict[str, CodeList] = dict(base.lists)
    choices = data.get("codes")
    if not isinstance(choices, dict):
        return CodeBook(lists)
    add = choices.get("add")
    if isinstance(add, dict):
        for name, entries in add.items():
            if name not in LIST_NAMES:
                message = _("unknown code list {name}{hint}").format(
                    name=quote(name), hint=did_you_mean(name, LIST_NAMES)
                )
                out.append(doc.problem(("codes", "add", name), message, key=True))
                continue
            if name == "ilo_indicators":
                message = _("the ILO's 11 indicators of forced labour are fixed: none can be added")
                out.append(doc.problem(("codes", "add", name), message, key=True))
                continue
            if not isinstance(entries, list):
                continue
            for i, entry in enumerate(entries):
                if isinstance(entry, dict):
                    lists[name] = _added(name, i, entry, lists[name], base, doc, out)
    use = choices.get("use")
    if isinstance(use, dict):
        for name, keep in use.items():
            if name not in LIST_NAMES:
                message = _("unknown code list {name}{hint}").format(
                    name=quote(name), hint=did_you_mean(name, LIST_NAMES)
                )
                out.append(doc.problem(("codes", "use", name), message, key=True))
                continue
            wrong = False
            for j, code in strings(keep):
                if code not in lists[name]:
                    where = ("codes", "use", name) + (() if j is None else (j,))
                    out.append(doc.problem(where, unknown_code(name, code, lists[name])))
                    wrong = True
            # A restriction that is itself wrong (already reported) is not applied, so the
            # codes the playbook uses are not all reported again as unknown.
            if isinstance(keep, list) and not wrong:
                lists[name] = lists[name].restrict(c for _, c in strings(keep))
    return CodeBook(lists)


def _added(
    name: str,
    i: int,
    entry: dict[str, Any],
    known: CodeList,
    base: CodeBook,
    doc: Document,
    out: list[Problem],
) -> CodeList:
    code = entry.get("code")
    path = ("codes", "add", name, i)
    if not isinstance(code, str):
        return known
    if code in known:
        message = _("{list} code {code} already exists").format(list=name, code=quote(code))
        out.append(doc.problem(path + ("code",), message))
        return known
    ilo = entry.get("ilo")
    if name == "indicators":
        if ilo is None:
            message = _("indicator {code} needs `ilo:` (one of the ILO's 11 indicators)").format(
                code=quote(code)
            )
            out.append(doc.problem(path, message))
        elif isinstance(ilo, str) and ilo not in base.ilo_indicators:
            hint = did_you_mean(ilo, base.ilo_indicators.ids)
            message = _("unknown ILO indicator {code}{hint}").format(code=quote(ilo), hint=hint)
            out.append(doc.problem(path + ("ilo",), message))
    attrs = {"ilo": ilo} if isinstance(ilo, str) else {}
    label_en, label_ro = entry.get("en"), entry.get("ro")
    en = label_en if isinstance(label_en, str) else code
    ro = label_ro if isinstance(label_ro, str) else code
    return known.extend([Code(code, en, ro, attrs)])

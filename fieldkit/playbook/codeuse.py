"""The code lists of one operation: the kit's lists, restricted and extended by the playbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldkit.codes import Code, CodeBook, load_codes

if TYPE_CHECKING:
    from fieldkit.playbook.models import CodeChoices


def codebook_for(choices: CodeChoices) -> CodeBook:
    base = load_codes()
    lists = dict(base.lists)
    for name, entries in choices.add.items():
        extra = [
            Code(e.code, e.en, e.ro, {k: v for k, v in (("ilo", e.ilo), ("kind", e.kind)) if v})
            for e in entries
        ]
        lists[name] = lists[name].extend(extra)
    for name, keep in choices.use.items():
        added = {e.code for e in choices.add.get(name, [])}
        lists[name] = lists[name].restrict(set(keep) | added)
    return CodeBook(lists)

"""The message catalogue: every string marked for it has its Romanian, the template is current,
the language is chosen as the issue says, and `fieldkit --help` speaks Romanian."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from fieldkit.i18n import (
    LOCALE_DIR,
    _,
    both,
    choose_language,
    in_language,
    language,
    ngettext,
    set_language,
)
from tests.support.cli import invoke

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
"""What marks a string for the catalogue (babel.cfg and docs/translating.md say the same)."""


Key = tuple[str | None, str]
"""A catalogue entry: its context (msgctxt, as "footer") and its msgid."""


def marked_in_code() -> set[Key]:
    """Every msgid marked in fieldkit/, as `pybabel extract -F babel.cfg -k N_` finds them."""
    found = extract_from_dir(ROOT / "fieldkit", method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {(m[4], m[2] if isinstance(m[2], str) else m[2][0]) for m in found}


def ids_of(path: Path) -> dict[Key, object]:
    with path.open("rb") as po:
        book = read_po(po, locale="ro")
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in book if m.id}


def test_every_marked_string_has_a_romanian_translation() -> None:
    marked = marked_in_code()
    assert len(marked) > 150  # the officer's path and the log/device commands' help
    ro = ids_of(LOCALE_DIR / "ro" / "LC_MESSAGES" / "fieldkit.po")
    untranslated = sorted(
        m
        for m in marked
        if m not in ro
        or getattr(ro[m], "fuzzy", True)
        or not all(getattr(ro[m], "string", None) or [""])
        or not getattr(ro[m], "string", "")
    )
    assert untranslated == [], "no Romanian in fieldkit/locale/ro/LC_MESSAGES/fieldkit.po for"


def test_the_template_is_up_to_date() -> None:
    """A new _() string without an entry in fieldkit.pot fails here (docs/translating.md)."""
    template = set(ids_of(LOCALE_DIR / "fieldkit.pot"))
    marked = marked_in_code()
    assert sorted(marked - template) == [], "run pybabel extract (docs/translating.md)"
    assert sorted(template - marked) == [], "fieldkit.pot holds strings no longer in the code"


def test_the_footers_shorter_words_have_their_romanian() -> None:
    """msgctxt "footer": a key's shorter word in a Romanian footer; English is unchanged."""
    from fieldkit.tui.translated import footer_word

    assert (footer_word("Quick exit"), _("Quick exit")) == ("Quick exit", "Quick exit")
    set_language("ro")
    assert (footer_word("Quick exit"), _("Quick exit")) == ("Ieșire", "Ieșire rapidă")
    assert footer_word("Leaflet") == "Pliant"


def translated_in_fstrings(source: str) -> list[int]:
    """The lines where `_(...)` (or ngettext...) is called inside an f-string: pybabel does
    not see such a call, so its string never reaches the catalogue."""
    return [
        call.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.JoinedStr)
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in {"_", "N_", "ngettext", "pgettext"}
    ]


def test_no_translated_string_inside_an_fstring() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "fieldkit").rglob("*.py"))
        for line in translated_in_fstrings(path.read_text(encoding="utf-8"))
    ]
    assert found == [], 'write _(...) outside the f-string: _("... {x}").format(x=...)'


def test_a_translation_inside_an_fstring_is_found() -> None:
    source = 'x = f"{name} ({_(\'no agency\')})"\ny = _("fine {x}").format(x=x)\nz = f"{x}"\n'
    assert translated_in_fstrings(source) == [1]


def test_romanian_plurals_and_placeholders_follow_the_english() -> None:
    """Three plural forms in Romanian; every {name} of the English is in its Romanian."""
    ro = ids_of(LOCALE_DIR / "ro" / "LC_MESSAGES" / "fieldkit.po")
    for (_context, msgid), message in ro.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
        english = message.id if isinstance(message.id, tuple) else (msgid,)  # type: ignore[attr-defined]
        for n, string in enumerate(strings):
            said = english[min(n, len(english) - 1)]  # Romanian's "one", then the plural's forms
            wanted = {part.split("}")[0] for part in said.split("{")[1:]}
            assert {part.split("}")[0] for part in string.split("{")[1:]} == wanted, msgid
    set_language("ro")
    tries = "{said} {left} more try before a wait.", "{said} {left} more tries before a wait."
    assert [ngettext(*tries, n) for n in (1, 2, 20)] == [
        "{said} Încă {left} încercare înainte de o așteptare.",
        "{said} Încă {left} încercări înainte de o așteptare.",
        "{said} Încă {left} de încercări înainte de o așteptare.",
    ]
    set_language("en")
    assert [ngettext(*tries, n) for n in (1, 2)] == list(tries)


@pytest.mark.parametrize(
    ("given", "chosen"),
    [
        ("ro", "ro"),
        ("ro_RO.UTF-8", "ro"),
        ("RO", "ro"),
        ("en_GB.UTF-8", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_language_is_chosen_from_a_locale_name(given: str | None, chosen: str) -> None:
    assert choose_language(given) == chosen


def test_fieldkit_lang_then_the_chosen_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro_RO.UTF-8")
    assert language() == "ro" and _("Today's visits") == "Vizitele de astăzi"
    assert set_language("en") == "en" and _("Today's visits") == "Today's visits"
    set_language(None)
    assert language() == "ro"
    monkeypatch.delenv("FIELDKIT_LANG")
    assert language() == "en" and _("Today's visits") == "Today's visits"
    assert in_language("ro", "Leaflet") == "Pliant" and _("Leaflet") == "Leaflet"


def test_code_labels_are_romanian_first_in_romanian() -> None:
    from fieldkit.codes import load_codes

    debt = load_codes().ilo_indicators["debt_bondage"]
    assert both(debt) == "Debt bondage / Servitute pentru datorii"
    set_language("ro")
    assert both(debt) == "Servitute pentru datorii / Debt bondage"


def fieldkit(*args: str, lang: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FIELDKIT_LANG"}
    if lang is not None:
        env["FIELDKIT_LANG"] = lang
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "fieldkit", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )


def test_fieldkit_help_in_romanian_through_the_entry_point() -> None:
    shown = fieldkit("--help", lang="ro_RO.UTF-8").stdout
    assert shown.startswith("Utilizare: fieldkit [OPTIONS] [COMMAND] [ARGS]...")
    for romanian in (
        "Planificați și înregistrați operațiuni comune de patrulare",
        "Opțiuni:",
        "Comenzi:",
        "Afișează acest mesaj și iese.",
        "Dosarul spațiului de lucru",
        "Înregistrează interacțiuni pe acest dispozitiv",
        "Pornește centrul",
    ):
        assert romanian in " ".join(shown.split()), romanian
    assert "Plan and log" not in shown and "Options:" not in shown
    log = fieldkit("log", "add", "--help", lang="ro").stdout
    assert "Înregistrează o interacțiune." in log and "Niciodată nume." in " ".join(log.split())
    enroll = fieldkit("device", "enroll", "--help", lang="ro").stdout
    assert "Limba aplicației pe acest dispozitiv" in " ".join(enroll.split())


def test_fieldkit_help_in_english_by_default() -> None:
    shown = fieldkit("--help", lang=None).stdout
    assert shown.startswith("Usage: fieldkit [OPTIONS] [COMMAND] [ARGS]...")
    assert "Plan and log joint patrol operations" in shown and "Commands:" in shown
    assert "Opțiuni" not in shown


def test_the_romanian_listing_holds_each_commands_help() -> None:
    """LISTING (cli.py) is each command's help as it begins: a change of a command's help
    that leaves its listed line behind fails here."""
    from fieldkit.cli import LISTING, cli

    assert set(LISTING) | {"log", "device"} == set(cli.commands)
    for name, line in LISTING.items():
        assert cli.commands[name].get_short_help_str(limit=1000) == line, name


def test_enrolment_keeps_the_device_language(tmp_path: Path) -> None:
    from fieldkit.field.enroll import device_language
    from fieldkit.field.sample import write_sample_loadouts
    from tests.support.paths import BARNET

    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    dev = tmp_path / "dev"
    result = invoke(
        "device",
        "enroll",
        str(op / "loadouts" / "alpha.json"),
        "-w",
        str(dev),
        "--language",
        "ro",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["language"] == "ro"
    assert device_language(dev) == "ro"
    refused = invoke(
        "device",
        "enroll",
        str(op / "loadouts" / "beta.json"),
        "-w",
        str(tmp_path / "b"),
        "--language",
        "fr",
    )
    assert refused.returncode == 2 and not (tmp_path / "b" / "device").exists()

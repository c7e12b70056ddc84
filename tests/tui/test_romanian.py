"""The app in Romanian: FIELDKIT_LANG=ro, the device's language chosen at enrolment, and F2,
which switches at once; snapshots of Log mode and the Log form in Romanian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from fieldkit.field import Device
from fieldkit.field.enroll import enroll, remember_language
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.unlock import forget_passphrase
from fieldkit.model import PeopleGroup
from fieldkit.tui import make_app
from fieldkit.tui.log.checklist import CodeChecklist
from fieldkit.tui.log.engagement_form import EngagementForm
from fieldkit.tui.screens.passphrase import PassphraseScreen
from fieldkit.workspace import Workspace
from tests.support.log_form import NOW, OUTSIDE, log_app, save_outside_the_operation, to_log
from tests.support.paths import BARNET
from tests.support.tui import SIZE, settle, visible_text

ENGLISH = ("Today's visits", "Recent engagements (newest first)", "Pending sync: 0")
ROMANIAN = (
    "Vizitele de astăzi",
    "Interacțiuni recente (cele mai noi primele)",
    "De sincronizat: 0",
)


def flat(text: str) -> str:
    return " ".join(text.split())


def footer(app: Any) -> set[str]:
    """The key descriptions the footer shows now."""
    return {a.binding.description for a in app.screen.active_bindings.values() if a.binding.show}


async def open_form(pilot: Pilot[None]) -> None:
    await to_log(pilot)
    await pilot.press("n", "f", "f", "1")
    await settle(pilot)


async def test_fieldkit_lang_ro_shows_log_mode_in_romanian(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro_RO.UTF-8")
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        shown = flat(visible_text(app))
        for words in (*ROMANIAN, "Echipa alpha", "lun. 25 sept. 2023 10:20", "▶acum"):
            assert words in shown, words
        assert not any(words in shown for words in ENGLISH)
        assert {"Jurnal", "Modifică", "Activitate", "Pliant", "Ieșire"} <= footer(app)


async def test_fieldkit_lang_ro_shows_the_log_form_in_romanian(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        shown = flat(visible_text(app))
        for words in (
            "Înregistrarea unei interacțiuni",
            "Grup (doar numere, niciodată nume)",
            "Semne observate (1…0 sau spațiu)",
            "Ce s-a făcut (o apoi 1…0)",
            "lun. 25 sept. 2023 10:20 ·",  # the form's context: when, where, the visit
            "vizită: ",
            "parteneri prezenți: ",
        ):
            assert words in shown, words
        assert "partners present" not in shown and "Mon 25 Sep" not in shown
        assert {"Semn", "Rezultat", "Salvează", "Renunță"} <= footer(app)
        await pilot.press("p")
        await settle(pilot)
        shown = flat(visible_text(app))
        assert "Persoana 1, întâlnită individual" in shown and "Consimțământ" in shown
        assert {"Gata", "Gata și salvează", "Înapoi"} <= footer(app)


async def test_f2_switches_log_mode_to_romanian_and_back_at_once(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        assert all(words in flat(visible_text(app)) for words in ENGLISH)
        assert "Log" in footer(app)
        await pilot.press("f2")
        await settle(pilot)
        shown = flat(visible_text(app))
        assert all(words in shown for words in ROMANIAN)
        assert not any(words in shown for words in ENGLISH)
        assert "Jurnal" in footer(app) and "Log" not in footer(app)
        await pilot.press("f2")
        await settle(pilot)
        assert all(words in flat(visible_text(app)) for words in ENGLISH)
        assert "Log" in footer(app)


async def test_f2_in_the_form_keeps_what_is_ticked(device_ws: Workspace) -> None:
    """The form's keys speak Romanian at once; what the officer entered stays."""
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        form = app.screen
        assert isinstance(form, EngagementForm)
        assert "Save" in footer(app)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form and "Salvează" in footer(app)
        assert form.query_one("#indicators", CodeChecklist).chosen == ["long_hours"]
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert "Vizitele de astăzi" in flat(visible_text(app))


async def test_a_device_enrolled_in_romanian_asks_its_passphrase_in_romanian(
    tmp_path: Path,
) -> None:
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    enroll(op / "loadouts" / "alpha.json", tmp_path / "phone", device_id="alpha-0001")
    remember_language(tmp_path / "phone", "ro")
    forget_passphrase()
    app = make_app(Workspace(tmp_path / "phone"), first_wait=600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PassphraseScreen)
        assert "Acest dispozitiv este blocat." in visible_text(app)


async def test_fieldkit_lang_wins_over_the_devices_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    op = write_sample_loadouts(BARNET, tmp_path / "issued")
    enroll(op / "loadouts" / "alpha.json", tmp_path / "phone", device_id="alpha-0001")
    remember_language(tmp_path / "phone", "ro")
    forget_passphrase()
    monkeypatch.setenv("FIELDKIT_LANG", "en_GB.UTF-8")
    app = make_app(Workspace(tmp_path / "phone"), first_wait=600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "This device is locked." in visible_text(app)


def test_log_mode_in_romanian_snapshot(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch, snap_compare: Any
) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    assert snap_compare(log_app(device_ws), terminal_size=SIZE, run_before=to_log)


def test_log_form_in_romanian_snapshot(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch, snap_compare: Any
) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    assert snap_compare(log_app(device_ws), terminal_size=SIZE, run_before=open_form)


def test_log_form_in_romanian_at_80x24_snapshot(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch, snap_compare: Any
) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    assert snap_compare(log_app(device_ws), terminal_size=(80, 24), run_before=open_form)


async def test_a_time_outside_the_operation_asks_in_romanian(
    device_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    app = log_app(device_ws, OUTSIDE)
    async with app.run_test(size=SIZE) as pilot:
        asked = await save_outside_the_operation(pilot)
        text = flat(str(asked.query_one("#confirm-time-text", Static).content))
        assert text.startswith(
            "Ora acestei interacțiuni, lun. 15 ian. 2024 10:20, este în afara datelor "
            "operațiunii (2023-09-24 – 2023-09-30)."
        ), text
        shown = flat(visible_text(app))
        assert "Salvează oricum (y)" in shown and "Înapoi (n)" in shown
        assert "This engagement" not in shown and "Save anyway" not in shown
        assert {"Salvează oricum", "Înapoi la formular"} <= footer(app)


async def test_recent_engagements_in_romanian(
    device_ws: Workspace, device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Recent table: its date, the people, signs and outcomes in Romanian."""
    draft = device.prefill(NOW.replace(minute=5)).update(
        people=[PeopleGroup("male", "age_25_34", "romanian", 1)],
        indicators=["owes_debt"],
        outcomes=["leaflet_given"],
    )
    device.save(draft)
    codes = device.loadout.codes
    monkeypatch.setenv("FIELDKIT_LANG", "ro")
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        recent = app.screen.query_one("#recent", DataTable)
        row = [str(cell) for cell in recent.get_row_at(0)]
        assert row[0] == "lun. 25 sept. 10:05"
        assert row[2:5] == [
            "1 masculin",
            codes.indicators["owes_debt"].ro,
            codes.outcomes["leaflet_given"].ro,
        ]

"""The rest of the app in Romanian: Home, Plan, Sync, Review, the help screen and the day log
with FIELDKIT_LANG=ro; F2 draws each of them again at once in the other language (what is on
screen stays); snapshots of Home, Plan and Review in Romanian at 80×24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from fieldkit.plan.progress import StopSwitch
from fieldkit.tui import make_app
from fieldkit.tui.app import FieldkitApp
from fieldkit.tui.log.activity import DayLogScreen
from fieldkit.tui.plan.grid import WeekGrid
from fieldkit.tui.review.mode import ReviewMode
from fieldkit.tui.screens.help import HelpScreen
from fieldkit.tui.screens.home import HomeScreen
from fieldkit.tui.sync.mode import SyncMode
from fieldkit.workspace import Workspace
from tests.support.log_form import log_app, to_log
from tests.support.operation import make_workspace
from tests.support.plan_screen import OP, choose, make_ws, planned
from tests.support.tui import FORBIDDEN_ON_COVER, SIZE, footer_fits, settle, visible_text

SMALL = (80, 24)

HOME_EN = ("Playbooks", "Planned operations", "Enter opens a playbook")
HOME_RO = ("Playbook-uri", "Operațiuni planificate", "Enter deschide un playbook")
PLAN_EN = ("Not planned (", "Assignment", "Venue types:", "Opened ops/barnet-2023/plan.json.")
PLAN_RO = ("Neplanificate (", "Sarcină", "Tipuri de locații:", "Deschis ops/barnet-2023/plan.json.")
REVIEW_EN = ("Totals", "Engagements per day", "Planned visits done", "4 of 6")
REVIEW_RO = ("Totaluri", "Interacțiuni pe zi", "Vizite planificate făcute", "4 din 6")
SYNC_EN = ("This workspace is an enrolled device", "Sync now (s)", "Last sync: never")
SYNC_RO = (
    "Acest spațiu de lucru este un dispozitiv înrolat",
    "Sincronizează acum (s)",
    "Ultima sincronizare: niciodată",
)
HELP_EN = ("Keys", "Neutral page", "type resume in its search box", "Log form")
HELP_RO = ("Taste", "Pagina neutră", "scrieți resume în caseta de căutare", "Formular Jurnal")


def flat(text: str) -> str:
    return " ".join(text.split())


def shown(app: Any) -> str:
    return flat(visible_text(app))


def footer(app: Any) -> set[str]:
    """The key descriptions the footer shows now."""
    return {a.binding.description for a in app.screen.active_bindings.values() if a.binding.show}


def speaks(app: Any, words: tuple[str, ...], other: tuple[str, ...]) -> None:
    """Every one of `words` is on screen and none of `other`."""
    text = shown(app)
    assert [w for w in words if w not in text] == []
    assert [w for w in other if w in text] == []


async def press_f2(pilot: Pilot[None]) -> None:
    await pilot.press("f2")
    await settle(pilot)


@pytest.fixture
def planned_ws(tmp_path: Path) -> Workspace:
    return planned(make_ws(tmp_path / "ws"))


@pytest.fixture
def review_ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def ro(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDKIT_LANG", "ro")


async def open_review(pilot: Pilot[None]) -> ReviewMode:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewMode)
    return pilot.app.screen


# -- FIELDKIT_LANG=ro ---------------------------------------------------------------------


@pytest.mark.usefixtures("ro")
async def test_home_in_romanian(app: FieldkitApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        speaks(app, (*HOME_RO, "Stare", "valid", "probleme", "Spațiul de lucru ws"), HOME_EN)
        assert "problems" not in shown(app)
        assert {"Reverifică", "Ieșire", "Acasă"} <= footer(app)


@pytest.mark.usefixtures("ro")
async def test_a_devices_home_in_romanian(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        speaks(
            app,
            (
                "Acest dispozitiv",
                "Ce puteți face aici",
                "Dispozitiv alpha-0001 · ofițer",
                "0 interacțiuni pe acest dispozitiv, 0 așteaptă sincronizarea",
                "Ieșire rapidă o pagină neutră pe loc",
            ),
            ("This device", "What you can do here", "engagements on this device"),
        )


@pytest.mark.usefixtures("ro")
async def test_plan_mode_in_romanian(planned_ws: Workspace) -> None:
    app = make_app(planned_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, f"ops/{OP}/plan.json")
        speaks(app, (*PLAN_RO, "zi", "lun. 25", "Locația", "Interval", "optim · obiectiv"), PLAN_EN)
        assert "OPTIMAL" not in shown(app)
        assert {"Alege", "Fixează", "Mută", "Rezolvă", "Export"} <= footer(app)
        await pilot.press("l")
        await settle(pilot)
        note = str(screen.query_one("#solve-note", Static).content)
        assert note.endswith(" blocată: replanificarea o păstrează."), note
        grid = screen.query_one(WeekGrid)
        assert " blocat" in str(grid.get_row_at(grid.cursor_row))


@pytest.mark.usefixtures("ro")
async def test_sync_mode_in_romanian(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, SyncMode)
        speaks(app, (*SYNC_RO, "În așteptare 0 · Trimise 0 · Confirmate 0"), SYNC_EN)
        assert "Sincronizează" in footer(app)


@pytest.mark.usefixtures("ro")
async def test_review_mode_in_romanian(review_ws: Workspace) -> None:
    app = make_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        totals = dict((str(r[0]), str(r[1])) for r in _rows(screen, "totals"))
        assert totals["Interacțiuni"] == "38" and totals["Vizite planificate făcute"] == "4 din 6"
        speaks(app, REVIEW_RO[:2], REVIEW_EN[:2])
        assert {"Harta", "Urmăriri", "Reîncarcă"} <= footer(app)


@pytest.mark.usefixtures("ro")
async def test_the_help_screen_in_romanian(app: FieldkitApp) -> None:
    async with app.run_test(size=(120, 70)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        speaks(app, (*HELP_RO, "Ieșire rapidă", "Moduri", "Plan, Jurnal"), HELP_EN)
        assert "Închide" in footer(app)


@pytest.mark.usefixtures("ro")
async def test_the_day_log_in_romanian(device_ws: Workspace) -> None:
    app = log_app(device_ws)
    async with app.run_test(size=SIZE) as pilot:
        await to_log(pilot)
        await pilot.press("s", "d")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        speaks(
            app,
            ("Jurnal de activitate: echipa alpha", "luni 25 septembrie 2023", "vizită începută"),
            ("Activity log: team", "visit started", "Monday"),
        )
        assert "1 intrare: interacțiuni 0, trimiteri 0" in shown(app)


@pytest.mark.usefixtures("ro")
async def test_the_quick_exit_in_romanian_shows_only_a_romanian_weather_page(
    app: FieldkitApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        text = visible_text(app)
        assert "Vremea" in text and "ploaie ușoară" in text and app.title == "Vremea"
        assert [w for w in FORBIDDEN_ON_COVER if w in text.lower()] == []
        await pilot.click("#city")
        await pilot.press(*"Cluj", "enter")
        await settle(pilot)
        assert "Nu s-a găsit prognoza pentru 'Cluj'." in visible_text(app)


# -- F2 -----------------------------------------------------------------------------------


# Each screen F2 draws again at once: where it is (the workspace, the keys from Home, the
# terminal's size), what it says in English and in Romanian, and a Romanian key of its footer.
F2_SCREENS = [
    ("home", "ws", (), SIZE, HOME_EN, HOME_RO, "Reverifică"),
    ("sync", "device_ws", ("3",), SIZE, SYNC_EN, SYNC_RO, "Sincronizează"),
    ("review", "review_ws", ("4",), SIZE, REVIEW_EN[:2], REVIEW_RO[:2], "Harta"),
    ("help", "ws", ("question_mark",), (120, 70), HELP_EN, HELP_RO, "Închide"),
    (
        "day log",
        "device_ws",
        ("2", "s", "d"),
        SIZE,
        ("Activity log: team alpha",),
        ("Jurnal de activitate: echipa alpha",),
        "Înapoi",
    ),
]


@pytest.mark.parametrize(
    ("where", "fixture", "keys", "size", "english", "romanian", "key_ro"),
    F2_SCREENS,
    ids=[case[0] for case in F2_SCREENS],
)
async def test_f2_switches_a_screen_at_once_and_back(
    where: str,
    fixture: str,
    keys: tuple[str, ...],
    size: tuple[int, int],
    english: tuple[str, ...],
    romanian: tuple[str, ...],
    key_ro: str,
    request: pytest.FixtureRequest,
) -> None:
    app = log_app(request.getfixturevalue(fixture))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        screen = app.screen
        speaks(app, english, romanian)
        await press_f2(pilot)
        assert app.screen is screen, where
        speaks(app, romanian, english)
        assert key_ro in footer(app)
        await press_f2(pilot)
        speaks(app, english, romanian)
        assert key_ro not in footer(app)


async def test_f2_switches_plan_mode_and_keeps_the_plan_and_cursor(
    planned_ws: Workspace,
) -> None:
    app = make_app(planned_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await choose(pilot, f"ops/{OP}/plan.json")
        grid = screen.query_one(WeekGrid)
        await pilot.press("right", "down")
        await settle(pilot)
        where, visit, rows = grid.cursor_coordinate, grid.current_visit, grid.row_count
        speaks(app, PLAN_EN, PLAN_RO)
        await press_f2(pilot)
        grid = screen.query_one(WeekGrid)
        speaks(app, PLAN_RO, PLAN_EN)
        assert (grid.row_count, grid.current_visit, grid.cursor_coordinate) == (rows, visit, where)
        assert "Rezolvă" in footer(app)
        await press_f2(pilot)
        speaks(app, PLAN_EN, PLAN_RO)
        assert screen.query_one(WeekGrid).current_visit == visit


async def test_f2_switches_review_mode_and_keeps_its_tables(review_ws: Workspace) -> None:
    app = make_app(review_ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        speaks(app, REVIEW_EN[:2], REVIEW_RO[:2])
        await press_f2(pilot)
        speaks(app, REVIEW_RO[:2], REVIEW_EN[:2])
        totals = dict((str(r[0]), str(r[1])) for r in _rows(screen, "totals"))
        assert totals["Vizite planificate făcute"] == "4 din 6"
        assert len(_rows(screen, "per-day")) == 7
        assert "Harta" in footer(app)


async def test_a_mode_shown_after_f2_speaks_the_new_language(
    planned_ws: Workspace,
) -> None:
    """F2 pressed in Plan mode: Home and Review, drawn before in English, are drawn again
    when they are shown."""
    app = make_app(planned_ws)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await choose(pilot, f"ops/{OP}/plan.json")
        await press_f2(pilot)
        await pilot.press("h")
        await settle(pilot)
        speaks(app, HOME_RO, HOME_EN)
        await pilot.press("4")
        await settle(pilot)
        assert "Operațiuni" in shown(app) and "Operations" not in shown(app)


# Each screen in Romanian at 80×24, as an officer reaches it: the workspace it needs and the
# keys pressed from Home (after the first, the keys go on from the screen before).
ROMANIAN_AT_80 = [
    ("home", "review_ws", ()),
    ("review", "review_ws", ("4",)),
    ("follow-ups", "review_ws", ("4", "f")),
    ("device home", "device_ws", ()),
    ("log", "device_ws", ("2",)),
    ("log form", "device_ws", ("2", "n")),
    ("person form", "device_ws", ("2", "n", "p")),
    ("day log", "device_ws", ("2", "s", "d")),
    ("aids", "device_ws", ("2", "l")),
    ("sync", "device_ws", ("3",)),
    ("device review", "device_ws", ("4",)),
    ("help", "device_ws", ("question_mark",)),
]


@pytest.mark.usefixtures("ro")
@pytest.mark.parametrize(
    ("where", "fixture", "keys"), ROMANIAN_AT_80, ids=[c[0] for c in ROMANIAN_AT_80]
)
async def test_every_screen_in_romanian_keeps_its_footer_at_80x24(
    where: str, fixture: str, keys: tuple[str, ...], request: pytest.FixtureRequest
) -> None:
    ws = request.getfixturevalue(fixture)
    app = log_app(ws)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert footer_fits(app) == [], where
        assert "Ajutor" in visible_text(app).splitlines()[-1] or where.endswith(("form", "help")), (
            where
        )


@pytest.mark.usefixtures("ro")
async def test_plan_mode_in_romanian_keeps_its_footer_at_80x24_with_a_plan_and_solving(
    planned_ws: Workspace,
) -> None:
    app = make_app(planned_ws)
    async with app.run_test(size=SMALL) as pilot:
        screen = await choose(pilot, f"ops/{OP}/plan.json")
        assert footer_fits(app) == []
        assert {"Fixează", "Rezolvă", "Ajutor"} <= footer(app)
        assert "1234 Moduri" in visible_text(app).splitlines()[-1]
        screen.solving, screen.stop = True, StopSwitch()  # as while a solve runs
        screen.refresh_bindings()
        await settle(pilot)
        assert footer_fits(app) == []
        assert "Oprește, păstrează" in footer(app) and "Fixează" not in footer(app)


def _rows(screen: ReviewMode, table_id: str) -> list[list[object]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [list(table.get_row_at(i)) for i in range(table.row_count)]


# -- snapshots at 80×24 -------------------------------------------------------------------


@pytest.mark.usefixtures("ro")
def test_home_in_romanian_at_80x24_snapshot(app: FieldkitApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SMALL, run_before=settle)


@pytest.mark.usefixtures("ro")
def test_plan_in_romanian_at_80x24_snapshot(planned_ws: Workspace, snap_compare: Any) -> None:
    async def show(pilot: Pilot[None]) -> None:
        await choose(pilot, f"ops/{OP}/plan.json")

    assert snap_compare(make_app(planned_ws), terminal_size=SMALL, run_before=show)


@pytest.mark.usefixtures("ro")
def test_review_in_romanian_at_80x24_snapshot(review_ws: Workspace, snap_compare: Any) -> None:
    app = make_app(review_ws)

    async def show(pilot: Pilot[None]) -> None:
        await open_review(pilot)

    assert snap_compare(app, terminal_size=SMALL, run_before=show)

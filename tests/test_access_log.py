"""Central's access log: local reads name the OS user and their purpose, `central audit --verify`
proves the chain and names the first entry edited, removed or moved; users' passwords are
Argon2id hashes; a store made before the log gets it on open."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.central.access_log import (
    FIELDS,
    create_access_log,
    entries,
    record_access,
    verify,
)
from fieldkit.central.store import SCHEMA_VERSION, Central, central_path
from fieldkit.central.users import check_password
from fieldkit.cli import cli
from fieldkit.workspace import Workspace
from tests.support.access import PASSWORD, add_user, audit
from tests.support.cli import invoke
from tests.support.people_operation import OP, make_workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("audit") / "ws")


def run(ws: Workspace, *args: str, code: int = 0) -> Any:
    done = invoke(*args, "--workspace", str(ws.root))
    assert done.returncode == code, done.stdout + done.stderr
    return done


@pytest.mark.parametrize(
    ("args", "what", "count"),
    [
        (("report", OP, "--purpose", "weekly review"), "report", 6),
        (("map", OP, "--purpose", "weekly review"), "map", 6),
        (("followups", OP, "--purpose", "weekly review"), "followups", 4),
        (("central", "conflicts", "--purpose", "weekly review"), "conflicts", 0),
    ],
)
def test_a_local_read_leaves_one_entry_naming_the_os_user(
    ws: Workspace, args: tuple[str, ...], what: str, count: int
) -> None:
    before = audit(ws)
    run(ws, *args)
    [entry] = audit(ws)[len(before) :]
    assert (entry["who"], entry["role"], entry["via"]) == (getpass.getuser(), "local", "cli")
    assert (entry["what"], entry["count"], entry["purpose"]) == (what, count, "weekly review")


def test_a_read_without_purpose_says_it_was_not_given(ws: Workspace) -> None:
    before = audit(ws)
    run(ws, "report", OP, "--json")
    [entry] = audit(ws)[len(before) :]
    assert (entry["what"], entry["purpose"]) == ("report", "not given")


def test_a_follow_up_update_is_logged(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    listed = run(ws, "followups", OP, "--json").stdout
    person = next(f["id"] for f in json.loads(listed)["follow_ups"] if f["kind"] == "person")
    run(ws, "followups", "update", person, "--status", "support_accepted", "--purpose", "call")
    last = audit(ws)[-1]
    assert (last["what"], last["count"], last["purpose"]) == ("followups update", 1, "call")


def test_the_apps_reads_are_logged_too(ws: Workspace) -> None:
    from fieldkit.tui.services import AppServices

    services = AppServices(ws)
    before = audit(ws)
    summary = services.operation_summary(OP)
    found = services.open_follow_ups()
    logged = audit(ws)[len(before) :]
    assert [(e["what"], e["count"], e["via"]) for e in logged] == [
        ("report", summary["totals"]["engagements"], "app"),
        ("followups", len(found), "app"),
    ]
    assert {e["who"] for e in logged} == {getpass.getuser()}


def _tamper(ws: Workspace, sql: str) -> None:
    """Change the log behind fieldkit's back, through central's own opener (its triggers off)."""
    with Central(central_path(ws.sync)) as store:
        store.conn.executescript(
            "DROP TRIGGER IF EXISTS access_log_no_update;"
            "DROP TRIGGER IF EXISTS access_log_no_delete;" + sql
        )


def _logged(tmp_path: Path, n: int) -> Workspace:
    ws = make_workspace(tmp_path / "ws")
    for i in range(n):
        run(ws, "central", "conflicts", "--purpose", f"look {i}")
    assert run(ws, "central", "audit", "--verify").returncode == 0
    return ws


def test_verify_names_an_edited_entry(tmp_path: Path) -> None:
    ws = _logged(tmp_path, 3)
    _tamper(ws, "UPDATE access_log SET purpose = 'nothing to see' WHERE n = 2;")
    done = run(ws, "central", "audit", "--verify", code=2)
    assert "access log broken at entry 2" in done.stderr
    assert "edited" in done.stderr and "Traceback" not in done.stderr


def test_verify_names_a_removed_entry_and_one_cut_off_the_end(tmp_path: Path) -> None:
    ws = _logged(tmp_path, 3)
    _tamper(ws, "DELETE FROM access_log WHERE n = 3;")
    assert "broken at entry 3" in run(ws, "central", "audit", "--verify", code=2).stderr
    _tamper(ws, "DELETE FROM access_log WHERE n = 2;")
    assert "broken at entry 2" in run(ws, "central", "audit", "--verify", code=2).stderr


def test_verify_json_says_where_it_broke(tmp_path: Path) -> None:
    ws = _logged(tmp_path, 2)
    _tamper(ws, "UPDATE access_log SET count = 99 WHERE n = 1;")
    done = run(ws, "central", "audit", "--verify", "--json", code=2)
    doc = json.loads(done.stdout)
    assert doc["verified"] is False and doc["broken"]["n"] == 1


def test_the_log_cannot_be_changed_through_sql_while_its_guards_stand(ws: Workspace) -> None:
    run(ws, "central", "conflicts")
    with Central(central_path(ws.sync)) as store, pytest.raises(Exception, match="appended"):
        store.conn.execute("UPDATE access_log SET who = 'someone else'")


# -- the chain itself ---------------------------------------------------------------------------

_TEXT = st.text(min_size=1, max_size=12)


def _chain(n: int) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    create_access_log(conn)
    for i in range(n):
        record_access(
            conn, who=f"user{i}", role="analyst", what="report", operation="op",
            count=i, purpose="review", via="http",
        )  # fmt: skip
    conn.execute("DROP TRIGGER access_log_no_update")
    return conn


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(1, 5),
    data=st.data(),
    field=st.sampled_from([*FIELDS, "hash"]),
)
def test_any_single_field_edit_is_caught(size: int, data: st.DataObject, field: str) -> None:
    conn = _chain(size)
    assert verify(conn) is None
    n = data.draw(st.integers(1, size))
    old = next(e for e in entries(conn) if e.n == n).to_dict()[field]
    if isinstance(old, int):
        new: Any = data.draw(st.integers(-5, 1000).filter(lambda v: v != old))
        if field == "n":
            new = data.draw(st.integers(size + 1, size + 50))  # a number no entry holds
    else:
        new = data.draw(_TEXT.filter(lambda v: v != old))
    conn.execute(f"UPDATE access_log SET {field} = ? WHERE n = ?", (new, n))
    broken = verify(conn)
    assert broken is not None
    assert broken.n <= n


@given(size=st.integers(2, 5), data=st.data())
@settings(max_examples=50, deadline=None)
def test_two_entries_swapped_are_caught(size: int, data: st.DataObject) -> None:
    conn = _chain(size)
    a = data.draw(st.integers(1, size - 1))
    rows = {e.n: e for e in entries(conn)}
    first, second = rows[a], rows[a + 1]
    for n, src in ((a, second), (a + 1, first)):
        sets = ", ".join(f"{f} = ?" for f in FIELDS if f != "n")
        values = [src.to_dict()[f] for f in FIELDS if f != "n"]
        conn.execute(f"UPDATE access_log SET {sets}, hash = ? WHERE n = ?", (*values, src.hash, n))
    broken = verify(conn)
    assert broken is not None and broken.n == a


# -- users --------------------------------------------------------------------------------------


def test_passwords_are_kept_as_argon2id_hashes(ws: Workspace) -> None:
    add_user(ws, "hashcheck", "analyst")
    with Central(central_path(ws.sync)) as store:
        [(stored,)] = store.query("SELECT password_hash FROM users WHERE name = 'hashcheck'")
        tokens = store.query("SELECT token_hash FROM api_tokens")
    assert stored.startswith("$argon2id$") and PASSWORD["FIELDKIT_USER_PASSWORD"] not in stored
    assert all(len(h) == 64 for (h,) in tokens)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("someone", "--role", "overlord"), "overlord"),
        (("Bad Name", "--role", "analyst"), "user name"),
    ],
)
def test_a_bad_user_is_refused_with_exit_2(
    ws: Workspace, args: tuple[str, ...], message: str
) -> None:
    done = invoke("central", "users", "add", *args, "--workspace", ws.root, env=PASSWORD)
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_a_user_twice_or_a_short_password_is_refused(ws: Workspace) -> None:
    add_user(ws, "twice", "admin")
    again = invoke("central", "users", "add", "twice", "--role", "admin", "--workspace", ws.root,
                   env=PASSWORD)  # fmt: skip
    assert again.returncode == 2 and "exists already" in again.stderr
    short = invoke("central", "users", "add", "shorty", "--role", "admin", "--workspace", ws.root,
                   env={"FIELDKIT_USER_PASSWORD": "short"})  # fmt: skip
    assert short.returncode == 2 and "shorter than 8" in short.stderr


def test_users_are_listed_and_disabled_by_name(ws: Workspace) -> None:
    add_user(ws, "listed", "case_officer")
    assert "listed  case_officer  active" in run(ws, "central", "users", "list").stdout
    run(ws, "central", "users", "disable", "listed")
    assert "listed  case_officer  disabled" in run(ws, "central", "users", "list").stdout
    missing = run(ws, "central", "users", "disable", "nobody", code=2)
    assert 'no user "nobody" at central' in missing.stderr


def test_a_schema_3_store_gets_the_log_and_users_on_open(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    with Central(central_path(ws.sync)) as old:
        old.conn.executescript(
            "DROP TABLE access_log; DROP TABLE access_log_head; DROP TABLE api_tokens;"
            " DROP TABLE users; PRAGMA user_version=3;"
        )
    run(ws, "central", "conflicts")
    with Central(central_path(ws.sync)) as store:
        assert store.query("PRAGMA user_version")[0][0] == SCHEMA_VERSION == 9
        assert store.record_count() == 7
        with store.lock:
            assert [e.what for e in entries(store.conn)] == ["conflicts"]


def test_without_the_variable_the_password_is_asked_twice_without_echo(ws: Workspace) -> None:
    args = ["central", "users", "add", "asked", "--role", "analyst", "--workspace", str(ws.root)]
    typed = "typed password\ntyped password\n"
    done = CliRunner().invoke(cli, args, input=typed, env={"FIELDKIT_USER_PASSWORD": None})
    assert done.exit_code == 0, done.output
    assert "typed password" not in done.output
    assert "API token (shown once" in done.output
    with Central(central_path(ws.sync)) as store:
        assert check_password(store, "asked", "typed password")
        assert not check_password(store, "asked", "another password")


def test_the_log_is_shown_as_a_table_of_plain_text(tmp_path: Path) -> None:
    ws = _logged(tmp_path, 1)
    run(ws, "report", OP, "--purpose", "[red]audit[/red] check")
    shown = invoke("central", "audit", "--workspace", ws.root, env={"COLUMNS": "250"}).stdout
    assert "[red]audit[/red] check" in shown  # printed as typed, never as markup
    for text in ("conflicts", "look 0", "report", getpass.getuser(), "local", "cli"):
        assert text in shown

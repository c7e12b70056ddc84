"""Central's read endpoints for its users, served by `fieldkit central serve` on 127.0.0.1: each
role reads only what it may (401 and 403 say why), and every read leaves one access-log entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fieldkit.central.roles import ROLES, may_read
from fieldkit.workspace import Workspace
from tests.support.access import add_user, audit, bearer
from tests.support.cli import invoke
from tests.support.people_operation import NOTE, OP, REF, make_workspace
from tests.support.sync import live

#: Engagements the operation counts (seven records, one of them amended by another).
ENGAGEMENTS = 6


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, str]]:
    ws = make_workspace(tmp_path_factory.mktemp("reads") / "ws")
    with live(ws) as server:
        yield ws, server.url


def get(url: str, path: str, token: str | None, **params: str) -> httpx.Response:
    headers = bearer(token) if token else {}
    return httpx.get(url + path, headers=headers, params=params, timeout=60)


def new_entries(ws: Workspace, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return audit(ws)[len(before) :]


def test_a_partner_liaison_gets_the_aggregate_and_403_on_records(
    central: tuple[Workspace, str],
) -> None:
    ws, url = central
    token = add_user(ws, "liaison", "partner_liaison")
    before = audit(ws)
    share = get(url, "/v1/partner-share", token, purpose="monthly partner meeting")
    assert share.status_code == 200, share.text
    doc = share.json()
    assert doc["format"] == "fieldkit-partner-share/1"
    assert doc["tables"]["engagements_total"] == {"all": ENGAGEMENTS}
    for path in ("/v1/report", "/v1/followups"):
        refused = get(url, path, token)
        assert refused.status_code == 403
        assert "role partner_liaison may not read" in refused.json()["detail"]
        assert NOTE not in refused.text and REF not in refused.text
        assert "carwash" not in refused.text
    [entry] = new_entries(ws, before)  # refusals read nothing
    assert entry["who"] == "liaison" and entry["role"] == "partner_liaison"
    assert (entry["what"], entry["operation"], entry["count"]) == ("partner-share", OP, ENGAGEMENTS)
    assert (entry["purpose"], entry["via"]) == ("monthly partner meeting", "http")


def test_a_commander_reads_the_report_and_follow_ups_each_logged_once(
    central: tuple[Workspace, str],
) -> None:
    ws, url = central
    token = add_user(ws, "cmdr", "commander")
    before = audit(ws)
    report = get(url, "/v1/report", token, op=OP)
    assert report.status_code == 200, report.text
    assert report.json()["totals"]["engagements"] == ENGAGEMENTS
    followups = get(url, "/v1/followups", token, op=OP, purpose="case review")
    assert followups.status_code == 200, followups.text
    found = followups.json()["follow_ups"]
    assert found and NOTE not in followups.text
    first, second = new_entries(ws, before)
    assert (first["what"], first["count"], first["purpose"]) == ("report", ENGAGEMENTS, "not given")
    assert (second["what"], second["count"], second["purpose"]) == (
        "followups",
        len(found),
        "case review",
    )
    assert {first["who"], second["who"]} == {"cmdr"}


def test_a_case_officer_reads_follow_ups_but_not_the_report(
    central: tuple[Workspace, str],
) -> None:
    ws, url = central
    token = add_user(ws, "caseworker", "case_officer")
    assert get(url, "/v1/followups", token).status_code == 200
    refused = get(url, "/v1/report", token)
    assert refused.status_code == 403
    assert "case_officer" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "no API token"),
        ("fku_000000000000_not-a-real-secret", "unknown or wrong API token"),
        ("alpha-1234:device-secret", "not a user API token"),
    ],
)
def test_no_unknown_or_device_token_is_401_with_a_reason(
    central: tuple[Workspace, str], token: str | None, reason: str
) -> None:
    ws, url = central
    before = audit(ws)
    refused = get(url, "/v1/partner-share", token)
    assert refused.status_code == 401
    assert reason in refused.json()["detail"]
    assert new_entries(ws, before) == []


def test_a_disabled_users_token_is_401(central: tuple[Workspace, str]) -> None:
    ws, url = central
    token = add_user(ws, "leaver", "analyst")
    assert get(url, "/v1/report", token).status_code == 200
    done = invoke("central", "users", "disable", "leaver", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    before = audit(ws)
    refused = get(url, "/v1/report", token)
    assert refused.status_code == 401
    assert "leaver is disabled" in refused.json()["detail"]
    assert "engagements" not in refused.text
    assert new_entries(ws, before) == []


def test_an_unknown_operation_is_404_naming_those_there_are(
    central: tuple[Workspace, str],
) -> None:
    ws, url = central
    token = add_user(ws, "analyst2", "analyst")
    missing = get(url, "/v1/report", token, op="nowhere")
    assert missing.status_code == 404
    assert OP in missing.json()["detail"]


def test_the_log_of_every_read_above_verifies(central: tuple[Workspace, str]) -> None:
    ws, _ = central
    done = invoke("central", "audit", "--verify", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    assert "unbroken" in done.stdout


def test_the_api_docs_name_the_read_endpoints(central: tuple[Workspace, str]) -> None:
    _, url = central
    paths = httpx.get(url + "/openapi.json", timeout=30).json()["paths"]
    assert {"/v1/report", "/v1/followups", "/v1/partner-share"} <= set(paths)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_what_the_roles_table_says(
    central: tuple[Workspace, str], role: str
) -> None:
    ws, url = central
    token = add_user(ws, f"every-{role.replace('_', '-')}", role)
    for what in ("report", "followups", "partner-share"):
        answer = get(url, f"/v1/{what}", token, op=OP)
        assert answer.status_code == (200 if may_read(role, what) else 403), (role, what)


def test_an_unreadable_plan_is_400_saying_so(tmp_path_factory: pytest.TempPathFactory) -> None:
    ws = make_workspace(tmp_path_factory.mktemp("broken") / "ws")
    (ws.ops / OP / "plan.json").write_text("{not json", encoding="utf-8")
    token = add_user(ws, "cmdr", "commander")
    with live(ws) as server:
        answer = get(server.url, "/v1/report", token, op=OP)
    assert answer.status_code == 400
    assert "not a readable plan" in answer.json()["detail"]
    assert audit(ws) == []

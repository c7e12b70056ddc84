"""`fieldkit central pull-odk`: new submissions fetched with pyodk from a local server that
answers like ODK Central's API (never the internet), imported once each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.central.store import Central, central_path
from fieldkit.workspace import Workspace
from tests.support.cli import invoke
from tests.support.fake_odk_central import FakeCentral, fake_central
from tests.support.odk import ANSWERS, GROUP, XForm, fill, instance_bytes, to_xform
from tests.support.sync import central_workspace

FORM = "fieldkit-barnet-2023"


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> XForm:
    ws = central_workspace(tmp_path_factory.mktemp("odk-form"))
    out = ws.root / "form.xlsx"
    assert invoke("forms", "xlsform", "--workspace", ws.root, "--out", out).returncode == 0
    return to_xform(out)


def _pull(ws: Workspace, server: FakeCentral, password: str | None = None) -> tuple[int, str, str]:
    env = {"FIELDKIT_ODK_USER": server.email, "FIELDKIT_ODK_PASSWORD": password or server.password}
    done = invoke(
        "central",
        "pull-odk",
        "--url",
        server.url,
        "--project",
        "1",
        "--form",
        FORM,
        "--json",
        "--workspace",
        ws.root,
        env=env,
    )
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def _count(ws: Workspace) -> int:
    with Central(central_path(ws.sync)) as store:
        return store.record_count()


def test_pull_fetches_only_new_submissions(form: XForm, tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    with fake_central() as server:
        for n in range(3):
            xml = instance_bytes(fill(form, ANSWERS, people=[GROUP]))
            server.add(FORM, f"2023-09-24T12:0{n}:00.000Z", xml)
        code, out, err = _pull(ws, server)
        assert code == 0, err
        assert json.loads(out)["new"] == 3
        for n in range(2):
            server.add(FORM, f"2023-09-25T09:0{n}:00.000Z", instance_bytes(fill(form, ANSWERS)))
        code, out, err = _pull(ws, server)
        assert code == 0, err
        assert json.loads(out) | {"refused": []} == {
            "new": 2,
            "held": 0,
            "amendments": 0,
            "refused": [],
            "flagged": 0,
        }
        feeds = [p for m, p in server.seen if ".svc/Submissions" in p]
    assert "filter" not in feeds[0]
    assert "2023-09-24T12%3A02%3A00.000Z" in feeds[-1] or "2023-09-24T12:02:00.000Z" in feeds[-1]
    assert _count(ws) == 5
    with Central(central_path(ws.sync)) as store:
        rows = store.query("SELECT submitter, received_by, source, media FROM odk_receipts")
    assert {r[0] for r in rows} == {"collect-alpha"}
    assert all("pull-odk as lead@example.org" in r[1] for r in rows)
    assert {r[2] for r in rows} == {f"{server.url}/projects/1/forms/{FORM}"}
    assert {r[3] for r in rows} == {'["1695552000000.jpg"]'}


def test_pull_again_adds_nothing(form: XForm, tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    with fake_central() as server:
        server.add(FORM, "2023-09-24T12:00:00.000Z", instance_bytes(fill(form, ANSWERS)))
        assert _pull(ws, server)[0] == 0
        code, out, _ = _pull(ws, server)
    assert code == 0 and json.loads(out)["new"] == 0
    assert _count(ws) == 1


def test_a_wrong_password_is_exit_2(tmp_path: Path) -> None:
    ws = central_workspace(tmp_path)
    with fake_central() as server:
        code, _, err = _pull(ws, server, password="wrong")
    assert code == 2
    assert "ODK Central at http://127.0.0.1" in err and "Could not authenticate" in err


@pytest.mark.parametrize(
    ("user", "password", "said"),
    [
        ("", "", "FIELDKIT_ODK_USER"),  # no account in the environment
        ("a", "b", "cannot be reached"),  # no server there
    ],
)
def test_a_pull_that_cannot_start_is_exit_2(
    tmp_path: Path, user: str, password: str, said: str
) -> None:
    ws = central_workspace(tmp_path)
    done = invoke(
        "central",
        "pull-odk",
        "--url",
        "http://127.0.0.1:9",
        "--project",
        "1",
        "--form",
        FORM,
        "--workspace",
        ws.root,
        env={"FIELDKIT_ODK_USER": user, "FIELDKIT_ODK_PASSWORD": password},
    )
    assert done.returncode == 2 and said in done.stderr
    assert "Traceback" not in done.stderr

"""Geocoding with the real geopy Nominatim client against a local Nominatim look-alike."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from fieldkit.workspace import Workspace, init_workspace
from tests.support.cli import fieldkit
from tests.support.playbooks import write_playbook

PLACES = {
    "colindale avenue, london nw9": ("51.5960", "-0.2495"),
    "the burroughs, hendon": ("51.5870", "-0.2270"),
}


class Nominatim(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        Nominatim.requests.append({"path": url.path, "agent": self.headers["User-Agent"], **query})
        hit = PLACES.get(query.get("q", "").lower())
        body = (
            []
            if hit is None
            else [
                {
                    "place_id": 1,
                    "lat": hit[0],
                    "lon": hit[1],
                    "display_name": query["q"],
                    "class": "place",
                    "type": "house",
                    "importance": 0.5,
                }
            ]
        )
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Nominatim.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Nominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def tiny(addresses: dict[str, str]) -> dict[str, Any]:
    return {
        "version": 1,
        "operation": {
            "id": "geo",
            "name": "Geocoded",
            "start": "2024-03-04",
            "end": "2024-03-04",
            "area": {"name": "Hendon", "centre": [51.59, -0.23]},
        },
        "partners": ["met_police"],
        "roster": [
            {
                "id": "a",
                "name": "PC A",
                "agency": "met_police",
                "skills": ["first_responder", "driver"],
            },
            {"id": "b", "name": "PC B", "agency": "met_police", "skills": []},
        ],
        "teams": [{"id": "t1", "name": "One", "members": ["a", "b"]}],
        "venues": [
            {"id": vid, "name": vid, "type": "car_wash", "address": address}
            for vid, address in addresses.items()
        ],
        "activities": [
            {
                "id": "check",
                "name": "Checks",
                "venue_types": ["car_wash"],
                "when": [{"from": "10:00", "to": "16:00"}],
                "duration": 30,
            }
        ],
    }


def geo_env(server: str) -> dict[str, str]:
    return {"FIELDKIT_NOMINATIM_DOMAIN": server, "FIELDKIT_NOMINATIM_SCHEME": "http"}


def test_geocoded_once_and_cached(tmp_path: Path, server: str) -> None:
    ws: Workspace = init_workspace(tmp_path / "ws")[0]
    write_playbook(
        ws.root,
        "geo",
        tiny({"wash-1": "Colindale Avenue, London NW9", "wash-2": "The Burroughs, Hendon"}),
    )
    result = fieldkit(
        "plan", "playbooks/geo.yaml", "--time-limit", "2", cwd=ws.root, env=geo_env(server)
    )
    assert result.returncode == 0, result.stderr
    assert [r["path"] for r in Nominatim.requests] == ["/search", "/search"]
    assert all(r["agent"].startswith("fieldkit/") for r in Nominatim.requests)
    cache = json.loads((ws.ops / ".geocode-cache.json").read_text())
    assert cache["colindale avenue, london nw9"] == [51.596, -0.2495]
    venues = {v["id"]: v for v in json.loads((ws.ops / "geo" / "plan.json").read_text())["venues"]}
    assert (venues["wash-2"]["lat"], venues["wash-2"]["lon"]) == (51.587, -0.227)
    # the same addresses again: answered from the cache, the server is not asked
    result = fieldkit(
        "plan", "playbooks/geo.yaml", "--time-limit", "2", cwd=ws.root, env=geo_env(server)
    )
    assert result.returncode == 0, result.stderr
    assert len(Nominatim.requests) == 2


def test_unknown_address_and_no_network_name_the_venues(tmp_path: Path, server: str) -> None:
    ws: Workspace = init_workspace(tmp_path / "ws")[0]
    write_playbook(
        ws.root,
        "geo",
        tiny({"wash-1": "Colindale Avenue, London NW9", "wash-9": "Nowhere Street 99"}),
    )
    result = fieldkit("plan", "playbooks/geo.yaml", cwd=ws.root, env=geo_env(server))
    assert result.returncode == 2
    assert 'wash-9: address not found: "Nowhere Street 99"' in result.stderr
    assert "wash-1" not in result.stderr  # found and cached
    # no network: a closed port on loopback
    write_playbook(ws.root, "geo", tiny({"wash-3": "Brent Street, Hendon"}))
    result = fieldkit(
        "plan",
        "playbooks/geo.yaml",
        cwd=ws.root,
        env={"FIELDKIT_NOMINATIM_DOMAIN": "127.0.0.1:9", "FIELDKIT_NOMINATIM_SCHEME": "http"},
    )
    assert result.returncode == 2
    assert "still need coordinates" in result.stderr and "wash-3" in result.stderr
    assert "Traceback" not in result.stderr

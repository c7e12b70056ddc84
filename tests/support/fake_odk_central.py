"""A local stand-in for ODK Central's API (docs.getodk.org/central-api), as far as pull-odk
uses it through pyodk: a session token, the OData Submissions feed with `$filter` on
`__system/submissionDate`, and each submission's XML. Served on 127.0.0.1 only."""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

_FEED = re.compile(r"/v1/projects/(\d+)/forms/([^/]+)\.svc/Submissions")
_XML = re.compile(r"/v1/projects/(\d+)/forms/([^/]+)/submissions/([^/]+)\.xml")
_MEDIA = re.compile(r"/v1/projects/(\d+)/forms/([^/]+)/submissions/([^/]+)/attachments")
_SINCE = re.compile(r"__system/submissionDate gt (\S+)")


@dataclass
class FakeCentral:
    """Accounts, and each form's submissions: (project, form) -> [(date, submitter, xml)]."""

    email: str = "lead@example.org"
    password: str = "correct horse"
    project: int = 1
    submissions: dict[tuple[int, str], list[tuple[str, str, bytes]]] = field(default_factory=dict)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    #: The requests seen: (method, path with query).
    seen: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def add(self, form: str, date: str, xml: bytes, submitter: str = "collect-alpha") -> None:
        self.submissions.setdefault((self.project, form), []).append((date, submitter, xml))


def _instance_id(xml: bytes) -> str:
    found = re.search(rb"<instanceID>([^<]+)</instanceID>", xml)
    return found.group(1).decode() if found else ""


def _handler(central: FakeCentral) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, doc: Any) -> None:
            self._send(status, json.dumps(doc).encode())

        def do_POST(self) -> None:  # noqa: N802
            central.seen.append(("POST", self.path))
            size = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(size) or b"{}")
            if self.path != "/v1/sessions":
                return self._json(404, {"code": 404.1, "message": "Not found."})
            if body.get("email") != central.email or body.get("password") != central.password:
                return self._json(
                    401,
                    {
                        "code": 401.2,
                        "message": "Could not authenticate with the provided credentials.",
                    },
                )
            self._json(200, {"token": central.token, "expiresAt": "2999-01-01T00:00:00.000Z"})

        def do_GET(self) -> None:  # noqa: N802
            central.seen.append(("GET", self.path))
            if self.headers.get("Authorization") != f"Bearer {central.token}":
                return self._json(401, {"code": 401.2, "message": "Could not authenticate."})
            parts = urlsplit(self.path)
            path, query = unquote(parts.path), parse_qs(parts.query)
            if feed := _FEED.fullmatch(path):
                return self._feed((int(feed[1]), feed[2]), query)
            if _MEDIA.fullmatch(path):
                photo = {"name": "1695552000000.jpg", "exists": True}
                missing = {"name": "signature.png", "exists": False}
                return self._json(200, [photo, missing])
            if one := _XML.fullmatch(path):
                for _, _, xml in central.submissions.get((int(one[1]), one[2]), []):
                    if _instance_id(xml) == one[3]:
                        return self._send(200, xml, "application/xml")
            self._json(404, {"code": 404.1, "message": "Could not find the resource."})

        def _feed(self, key: tuple[int, str], query: dict[str, list[str]]) -> None:
            if key not in central.submissions:
                return self._json(404, {"code": 404.1, "message": "Could not find the form."})
            since = _SINCE.search((query.get("$filter") or [""])[0])
            rows = [
                {
                    "__id": _instance_id(xml),
                    "__system": {"submissionDate": date, "submitterName": who, "submitterId": "7"},
                }
                for date, who, xml in sorted(central.submissions[key], key=lambda s: s[0])
                if since is None or date > since[1]
            ]
            skip = int((query.get("$skip") or ["0"])[0])
            top = int((query.get("$top") or [str(len(rows))])[0])
            self._json(200, {"@odata.context": "...", "value": rows[skip : skip + top]})

    return Handler


@contextmanager
def fake_central() -> Iterator[FakeCentral]:
    """A FakeCentral serving on a free port of 127.0.0.1 while the block runs."""
    central = FakeCentral()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(central))
    central.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield central
    finally:
        server.shutdown()
        server.server_close()

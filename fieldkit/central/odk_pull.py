"""`central pull-odk`: new submissions fetched from an ODK Central server with pyodk (ODK's own
client), then imported like files (odk_ingest.py). Credentials come from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as url_quote

from fieldkit.central.odk_ingest import OdkResult, import_submissions
from fieldkit.central.odk_submission import Submission, SubmissionError, read_submission
from fieldkit.central.store import Central
from fieldkit.errors import UserError

USER_ENV, PASSWORD_ENV = "FIELDKIT_ODK_USER", "FIELDKIT_ODK_PASSWORD"
#: Submissions asked for in one page of the OData feed.
PAGE = 250


@dataclass(frozen=True)
class OdkServer:
    """Where to pull from: ODK Central's address, the project and the form."""

    url: str
    project: int
    form: str

    @property
    def source(self) -> str:
        return f"{self.url.rstrip('/')}/projects/{self.project}/forms/{self.form}"


def _client(server: OdkServer) -> Any:
    from pyodk._utils.config import CentralConfig, Config
    from pyodk._utils.session import Session
    from pyodk.client import Client

    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not user or not password:
        raise UserError(f"set {USER_ENV} and {PASSWORD_ENV} to ODK Central's account to pull")
    if not server.url.startswith(("http://", "https://")):
        raise UserError(f"--url {server.url!r}: give ODK Central's address, https://...")
    config = Config(central=CentralConfig(server.url, user, password, server.project))
    # cache_path None: the session token stays in memory, never in a file.
    session = Session(server.url, "v1", user, password, cache_path=None)
    return Client(config=config, session=session, project_id=server.project)


def _since(central: Central, server: OdkServer) -> str | None:
    """The latest submission date already received from this server's form."""
    try:
        rows = central.query(
            "SELECT max(submitted_at) FROM odk_receipts WHERE source = ?", (server.source,)
        )
    except Exception:  # no receipts table yet: nothing received
        return None
    return rows[0][0] if rows and rows[0][0] else None


def fetch(central: Central, server: OdkServer) -> tuple[list[Submission], list[str]]:
    """The submissions the server holds that are newer than the last one received, and the
    reasons those that could not be read were left out."""
    from pyodk.errors import PyODKError

    client = _client(server)
    since = _since(central, server)
    where = f"__system/submissionDate gt {since}" if since else None
    subs: list[Submission] = []
    bad: list[str] = []
    try:
        client.open()
        skip = 0
        while True:
            page = client.submissions.get_table(
                form_id=server.form, filter=where, skip=skip, top=PAGE
            )
            rows = page.get("value") or []
            for row in rows:
                try:
                    subs.append(_one(client, server, row))
                except SubmissionError as exc:
                    bad.append(str(exc))
            if len(rows) < PAGE:
                break
            skip += PAGE
    except PyODKError as exc:
        raise UserError(f"ODK Central at {server.url}: {_short(exc)}") from None
    except OSError as exc:
        raise UserError(f"ODK Central at {server.url} cannot be reached ({exc})") from None
    finally:
        client.session.close()
    return subs, bad


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:297] + "..."


def _one(client: Any, server: OdkServer, row: dict[str, Any]) -> Submission:
    iid = str(row.get("__id") or "")
    system = row.get("__system") or {}
    path = (
        f"projects/{server.project}/forms/{url_quote(server.form, safe='')}"
        f"/submissions/{url_quote(iid, safe='')}.xml"
    )
    response = client.session.response_or_error("GET", path, logger=_LOG)
    sub = read_submission(response.content, f"{server.source} submission {iid}")
    sub.media = _attachments(client, server, iid)
    sub.submitter = str(system.get("submitterName") or system.get("submitterId") or "") or None
    sub.submitted_at = str(system.get("submissionDate") or "") or None
    return sub


def _attachments(client: Any, server: OdkServer, iid: str) -> list[str]:
    """The names of the files that came with a submission (the files stay on the server)."""
    from pyodk._endpoints.submission_attachments import SubmissionAttachmentService

    service = SubmissionAttachmentService(client.session, server.project, server.form, iid)
    return sorted(a.name for a in service.list() if a.exists)


def pull(central: Central, server: OdkServer) -> OdkResult:
    """`fieldkit central pull-odk`: fetch the new submissions and import them."""
    subs, bad = fetch(central, server)
    result = import_submissions(central, subs, server.source, received_by=_puller())
    result.refused[:0] = bad
    return result


def _puller() -> str:
    import getpass

    return f"{getpass.getuser()} (pull-odk as {os.environ.get(USER_ENV, '?')})"


class _Log:
    """pyodk logs each failed request; the message reaches the user once, as a UserError."""

    def error(self, *args: Any, **kwargs: Any) -> None:
        pass


_LOG: Any = _Log()

"""Central's read endpoints for its users: /v1/report, /v1/followups and /v1/partner-share,
each behind a user's API token, allowed by the user's role, and written to the access log."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldkit.central.access_log import record_access
from fieldkit.central.followups import follow_ups
from fieldkit.central.store import AuthError, Central, CentralError
from fieldkit.central.users import User, check_may_read, user_for_token
from fieldkit.errors import UserError, quote
from fieldkit.wire.protocol import API, ErrorMessage, now_iso
from fieldkit.workspace import Workspace

#: Reads one operation for an endpoint: (ops/OP folder, central.db) -> (document, records read).
OperationReader = Callable[[Path, Path], tuple[dict[str, Any], int]]
FOLLOWUPS_FORMAT = "fieldkit-followups/1"
_user_bearer = HTTPBearer(auto_error=False, description="a user's API token (fku_...)")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorMessage, "description": "no token, an unknown one, or a disabled user's"},
    403: {"model": ErrorMessage, "description": "the user's role may not read this"},
    404: {"model": ErrorMessage, "description": "no such operation"},
}
Purpose = Annotated[
    str | None, Query(max_length=200, description="Why it is read (kept in the access log).")
]
Operation = Annotated[
    str | None, Query(max_length=100, description="The operation (default: the only one).")
]


@dataclass(frozen=True)
class Readers:
    """How the report and the partner share of an operation are made (maps/, above central)."""

    report: OperationReader
    partner_share: OperationReader


class NoOperationError(CentralError):
    """No such operation at central (HTTP 404)."""


def current_user(
    request: Request,
    auth: Annotated[HTTPAuthorizationCredentials | None, Depends(_user_bearer)],
) -> User:
    """The caller, from their API token (AuthError -> 401)."""
    if auth is None:
        raise AuthError("no API token (Authorization: Bearer fku_...)")
    central: Central = request.app.state.central
    return user_for_token(central, auth.credentials)


Caller = Annotated[User, Depends(current_user)]


def _not_served(folder: Path, central_db: Path) -> tuple[dict[str, Any], int]:
    raise NoOperationError("this central serves no reports (started without them)")


NO_READERS = Readers(_not_served, _not_served)


#: Appends one access-log entry: (user, what, operation, records read, purpose).
AccessLogger = Callable[[User, str, str | None, int, str | None], None]


def add_read_routes(
    app: FastAPI, central: Central, ops: Path | None, readers: Readers | None
) -> None:
    """The three read endpoints; each read appends one access-log entry."""
    log = _access_logger(central)
    _add_operation_reads(app, central, ops, readers or NO_READERS, log)
    _add_followups_read(app, central, ops, log)
    _add_error_answers(app)


def _access_logger(central: Central) -> AccessLogger:
    def log(user: User, what: str, op: str | None, count: int, purpose: str | None) -> None:
        with central.lock:
            record_access(
                central.conn,
                who=user.name,
                role=user.role,
                what=what,
                operation=op,
                count=count,
                purpose=purpose,
                via="http",
            )

    return log


def _add_operation_reads(
    app: FastAPI, central: Central, ops: Path | None, readers: Readers, log: AccessLogger
) -> None:
    """/v1/report and /v1/partner-share: one operation's documents, made by `readers`."""

    @app.get(f"{API}/report", responses=_ERRORS)
    def report(user: Caller, op: Operation = None, purpose: Purpose = None) -> dict[str, Any]:
        """The operation's summary (summary.json, docs/report.md)."""
        check_may_read(user, "report")
        name = _operation(ops, op)
        doc, count = readers.report(_folder(ops, name), central.path)
        log(user, "report", name, count, purpose)
        return doc

    @app.get(f"{API}/partner-share", responses=_ERRORS)
    def partner_share(
        user: Caller, op: Operation = None, purpose: Purpose = None
    ) -> dict[str, Any]:
        """The partner share: aggregate counts, every small count suppressed."""
        check_may_read(user, "partner-share")
        name = _operation(ops, op)
        doc, count = readers.partner_share(_folder(ops, name), central.path)
        log(user, "partner-share", name, count, purpose)
        return doc


def _add_followups_read(
    app: FastAPI, central: Central, ops: Path | None, log: AccessLogger
) -> None:
    @app.get(f"{API}/followups", responses=_ERRORS)
    def followups(user: Caller, op: Operation = None, purpose: Purpose = None) -> dict[str, Any]:
        """The open follow-ups (of one operation, or of every one)."""
        check_may_read(user, "followups")
        ids = _operation_ids(ops, _operation(ops, op)) if op else None
        found = follow_ups(central, ids)
        log(user, "followups", op, len(found), purpose)
        return {
            "format": FOLLOWUPS_FORMAT,
            "operation": op,
            "as_of": now_iso(),
            "follow_ups": [f.to_dict() for f in found],
        }


def _add_error_answers(app: FastAPI) -> None:
    @app.exception_handler(NoOperationError)
    def _no_operation(request: Request, exc: NoOperationError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(UserError)
    def _unreadable(request: Request, exc: UserError) -> JSONResponse:
        """An operation central cannot read (its plan.json unreadable): said, never a 500."""
        return JSONResponse({"detail": str(exc)}, status_code=400)


def _operation(ops: Path | None, op: str | None) -> str:
    """OP when central has its plan; the only operation when none is named."""
    known = Workspace(ops.parent).operations() if ops is not None else []
    if op is None:
        if len(known) == 1:
            return known[0]
        raise NoOperationError(f"name an operation (?op=...): one of {', '.join(known) or 'none'}")
    if op not in known:
        raise NoOperationError(
            f"no operation {quote(op)} at central (operations: {', '.join(known) or 'none'})"
        )
    return op


def _folder(ops: Path | None, name: str) -> Path:
    assert ops is not None  # _operation found `name` in it
    return ops / name


def _operation_ids(ops: Path | None, name: str) -> set[str]:
    """The ids an operation's records carry: its folder's name and its plan's operation id."""
    ids = {name}
    try:
        plan = json.loads(_folder(ops, name).joinpath("plan.json").read_text(encoding="utf-8"))
        ids.add(str(plan["operation"]["id"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # an unreadable plan names nothing more
    return ids

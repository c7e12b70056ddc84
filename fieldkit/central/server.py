"""The central's HTTP API (FastAPI): hello, push, pull; `create_app(central_path)` builds it."""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldkit.central import plans
from fieldkit.central.ingest import ingest
from fieldkit.central.read_api import Readers, add_read_routes
from fieldkit.central.store import AuthError, Central, CentralError, ForbiddenError
from fieldkit.json_input import JSONInputError, loads
from fieldkit.wire.protocol import (
    API,
    MAX_BODY,
    ErrorMessage,
    Head,
    Hello,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    Rejection,
    now_iso,
)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]
_bearer = HTTPBearer(auto_error=False, description="CREDENTIAL_ID:SECRET from the loadout")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorMessage, "description": "unknown or revoked device, wrong credential"},
    403: {"model": ErrorMessage, "description": "not this device's records or key"},
    413: {"model": ErrorMessage, "description": "request too large"},
}


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Any, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit} bytes: send smaller batches"})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class _JSONRequest(Request):
    """A request whose JSON body is parsed by json_input: orjson-fast, depth and size capped."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = loads(await self.body(), MAX_BODY)
            except JSONInputError as exc:
                # FastAPI answers a JSONDecodeError with 422 and keeps its message.
                raise json.JSONDecodeError(str(exc), "", 0) from None
        return self._json


class _Route(APIRoute):
    """Every route of the API reads its body through _JSONRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def read_safely(request: Request) -> Response:
            return await handler(_JSONRequest(request.scope, request.receive))

        return read_safely


def current_device(
    request: Request,
    auth: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> dict[str, Any]:
    """The caller's device row, from its Bearer credential (AuthError -> 401)."""
    central: Central = request.app.state.central
    if auth is None or ":" not in auth.credentials:
        raise AuthError("no device credential (Authorization: Bearer ID:SECRET)")
    credential_id, secret = auth.credentials.split(":", 1)
    row = central.authenticate(credential_id, secret)
    central.touch(credential_id)
    return row


Device = Annotated[dict[str, Any], Depends(current_device)]


def create_app(
    central_path: Path | Central, ops: Path | None = None, readers: Readers | None = None
) -> FastAPI:
    """The API over the central store at `central_path` (or open already); plans are
    published from `ops`; `readers` make the reports its users read (read_api.py)."""
    central = central_path if isinstance(central_path, Central) else Central(central_path)
    refresh_plans = plan_refresher(central, ops)
    app = FastAPI(
        title="fieldkit central",
        version="1",
        description="Devices push their signed engagement records and pull plan changes; "
        "central's users read reports, follow-ups and the partner share with an API token.",
    )
    app.state.central = central
    app.router.route_class = _Route
    add_sync_routes(app, central, refresh_plans)
    add_read_routes(app, central, ops, readers)
    add_error_answers(app)
    app.add_middleware(BodyLimit, limit=MAX_BODY)  # type: ignore[arg-type]
    refresh_plans()
    return app


def plan_refresher(central: Central, ops: Path | None) -> Callable[[], None]:
    """Publish the loadouts of `ops` again whenever one of their files changed."""
    mtimes: dict[str, float] = {}

    def refresh_plans() -> None:
        if ops is None or not ops.is_dir():
            return
        now = {str(p): p.stat().st_mtime for p in ops.glob("*/loadouts/*.json")}
        if now != mtimes:
            plans.publish(central, ops)
            mtimes.clear()
            mtimes.update(now)

    return refresh_plans


def add_sync_routes(app: FastAPI, central: Central, refresh_plans: Callable[[], None]) -> None:
    """health, hello, push and pull."""

    @app.get(f"{API}/health")
    def health() -> dict[str, str]:
        """Central is up (no credential needed)."""
        return {"status": "ok", "time": now_iso()}

    @app.get(f"{API}/hello", responses=_ERRORS)
    def hello(row: Device) -> Hello:
        """Who this credential is and central's high-water mark of its chain."""
        return hello_for(central, row)

    @app.post(f"{API}/push", responses=_ERRORS)
    def push(body: PushRequest, row: Device) -> PushResponse:
        """Store a batch of this device's records (one transaction); acknowledge what is held."""

        def admit() -> str:
            refresh_plans()  # records are checked against the newest published plan
            return str(central.bind(row, body.device, body.public_key)["public_key"])

        result = ingest(central, body.device, body.public_key, body.records, admit=admit)
        return PushResponse(
            acknowledged=result.acknowledged,
            new=result.new,
            duplicates=result.duplicates,
            rejected=[Rejection(**r) for r in result.rejected],
            head=Head(**result.head),
        )

    @app.post(f"{API}/pull", responses=_ERRORS)
    def pull(body: PullRequest, row: Device) -> PullResponse:
        """Plan changes for this device's team since `cursor` (nothing if none)."""
        refresh_plans()
        return plans.pull(central, row["operation"], row["team"], body.cursor, body.have)


def hello_for(central: Central, row: dict[str, Any]) -> Hello:
    """Who a credential is, and what central holds of its device's chain."""
    head = Head(hash=None, count=0, stored=0)
    if row["device"]:
        head = Head(
            hash=row["head_hash"],
            count=row["head_count"] or 0,
            stored=central.record_count(row["device"]),
        )
    return Hello(
        device=row["device"],
        credential_id=row["id"],
        team=row["team"],
        operation=row["operation"],
        registered=row["public_key"] is not None,
        head=head,
        central_time=now_iso(),
    )


def add_error_answers(app: FastAPI) -> None:
    """401, 403, 400 and 422 with a `detail` in plain words."""

    @app.exception_handler(AuthError)
    def _auth(request: Request, exc: AuthError) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(ForbiddenError)
    def _forbidden(request: Request, exc: ForbiddenError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(CentralError)
    def _central(request: Request, exc: CentralError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:10]:
            if err.get("type") == "json_invalid":
                parts.append(f"body: not JSON central accepts: {err['ctx']['error']}")
                continue
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{where or 'body'}: {err.get('msg')}")
        return JSONResponse({"detail": "bad request: " + "; ".join(parts)}, status_code=422)


def serve(
    central_path: Path | Central,
    ops: Path | None,
    sock: socket.socket,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    readers: Readers | None = None,
) -> None:
    """Run the API under uvicorn on a bound socket (HTTPS when given a certificate and key)."""
    import uvicorn

    app = create_app(central_path, ops, readers)
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    uvicorn.Server(config).run(sockets=[sock])

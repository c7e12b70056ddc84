"""The device's sync client (httpx): push pending records in batches, then pull plan changes."""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

import fieldkit.field.outbox as outbox
from fieldkit.field.device import Device
from fieldkit.i18n import _
from fieldkit.sync import device_side as side
from fieldkit.sync.device_side import SyncError
from fieldkit.wire.address import central_url
from fieldkit.wire.protocol import API, BATCH, Hello, PullResponse, PushResponse

#: progress(phase, done, total): phase is "push" or "pull".
Progress = Callable[[str, int, int], None]


@dataclass
class SyncReport:
    """What one sync did."""

    server: str
    sent: int = 0
    acknowledged: int = 0
    new_on_central: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    plan_changed: bool = False
    plan_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    registered: bool = False
    #: sensitive texts dropped on the device after the sync (its retention, in days).
    texts_dropped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def sync_now(
    root: Path,
    server: str | None = None,
    progress: Progress | None = None,
    cafile: Path | None = None,
    timeout: float = 15.0,
    retries: int = 3,
    batch: int = BATCH,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """One whole sync of the device at `root`. Blocking: run it in a worker, not a UI thread.

    Safe to interrupt anywhere and to run again: central's ingest is idempotent.
    """
    with Device.open(root) as dev:
        link = side.central_link(dev)
        if not (server or link.url):
            raise SyncError(_("no central address: give --server URL (e.g. http://10.0.0.2:8765)"))
        url = central_url(server) if server else central_url(str(link.url), "the credential's url")
        try:
            with httpx.Client(
                base_url=url,
                headers={"Authorization": f"Bearer {link.token}"},
                timeout=timeout,
                verify=_trust(cafile, link.certificate),
                transport=transport,
            ) as http:
                report = _run(dev, http, url, progress or _quiet, retries, batch)
        except (httpx.TransportError, _Unavailable) as exc:
            side.back_to_pending(dev)
            waiting = outbox.pending_count(dev.store)
            side.write_state(dev, last_error=f"central not reachable ({exc})", server=url)
            raise SyncError(
                _(
                    "central not reachable at {url} - your {waiting} records are safe on "
                    "this device; sync again when there is a connection (or use "
                    "--export-bundle)"
                ).format(url=url, waiting=waiting)
            ) from None
        except SyncError as exc:
            side.back_to_pending(dev)
            side.write_state(dev, last_error=str(exc), server=url)
            raise
        report.counts = outbox.counts(dev.store)
        extra = {"registered": True} if report.registered else {}
        side.write_state(dev, last_sync=side.now_iso(), last_error=None, server=url, **extra)
        return report


class _Unavailable(Exception):
    """Central answered 5xx: treated like no connection (retry later)."""


def _quiet(phase: str, done: int, total: int) -> None:
    return None


@functools.lru_cache(maxsize=8)
def _trust(cafile: Path | None, certificate: str | None) -> ssl.SSLContext:
    """The TLS context, made once per process (loading CA certificates costs milliseconds)."""
    if cafile is not None:
        return ssl.create_default_context(cafile=str(cafile))
    if certificate:
        return ssl.create_default_context(cadata=certificate)
    return httpx.create_ssl_context()


def push_body(dev: Device, records: list[bytes]) -> bytes:
    """A push request's JSON (PushRequest) around records already in JSON, as stored."""
    return b"".join(
        (
            b'{"device":',
            orjson.dumps(dev.id),
            b',"public_key":',
            orjson.dumps(dev.public_key),
            b',"records":[',
            b",".join(records),
            b"]}",
        )
    )


def _call(http: httpx.Client, method: str, path: str, body: Any, retries: int) -> Any:
    """One request, retried on time-outs and dropped connections (every call is idempotent);
    a body of bytes is sent as the JSON it is."""
    if isinstance(body, bytes):
        send: dict[str, Any] = {"content": body, "headers": {"content-type": "application/json"}}
    else:
        send = {"json": body}
    for attempt in range(retries + 1):
        try:
            answer = http.request(method, API + path, **send)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError):
            if attempt == retries:
                raise
            time.sleep(min(0.2 * 2**attempt, 2.0))
            continue
        if answer.status_code >= 500:
            if attempt == retries:
                raise _Unavailable(
                    _("central answered {status_code}").format(status_code=answer.status_code)
                )
            time.sleep(min(0.2 * 2**attempt, 2.0))
            continue
        if answer.status_code == 401:
            raise SyncError(
                _(
                    "central does not accept this device's credential (unknown or revoked "
                    "device): {answer}. Your records are safe on this device"
                ).format(answer=_detail(answer))
            )
        if answer.status_code >= 400:
            raise SyncError(_("central refused the sync: {answer}").format(answer=_detail(answer)))
        return answer.json()
    raise AssertionError("unreachable")


def _detail(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("detail"))
    except ValueError:
        return answer.text[:200]


def _run(
    dev: Device, http: httpx.Client, url: str, progress: Progress, retries: int, batch: int
) -> SyncReport:
    report = SyncReport(server=url)
    hello = Hello.model_validate(_call(http, "GET", "/hello", None, retries))
    if hello.device not in (None, dev.id):
        raise SyncError(
            _(
                "this credential is registered on central to device {device}, not to "
                "{id}: a re-enrolled device needs a new credential"
            ).format(device=hello.device, id=dev.id)
        )
    if hello.device == dev.id:
        report.registered = True
        side.acknowledge_through(dev, hello.head.hash)
    todo = side.pending_texts(dev)
    total = len(todo)
    progress("push", 0, total)
    for start in range(0, total, batch):
        chunk = todo[start : start + batch]
        ids = [rid for rid, _ in chunk]
        outbox.mark(dev.store, ids, outbox.SENT)
        body = push_body(dev, [text for _, text in chunk])
        answer = PushResponse.model_validate(_call(http, "POST", "/push", body, retries))
        side.acknowledge(dev, answer.acknowledged)
        report.registered = True
        report.sent += len(chunk)
        report.acknowledged += len(answer.acknowledged)
        report.new_on_central += answer.new
        report.rejected.extend(r.model_dump() for r in answer.rejected)
        progress("push", start + len(chunk), total)
    progress("pull", 0, 1)
    state = side.read_state(dev)
    cursor = int(state.get("plan_cursor") or 0)
    pulled = PullResponse.model_validate(
        _call(http, "POST", "/pull", {"cursor": cursor, "have": side.plan_have(dev)}, retries)
    )
    if pulled.change is not None:
        report.plan_changed = side.apply_plan(dev, pulled.change.loadout, pulled.cursor)
    elif pulled.cursor != cursor:
        side.write_state(dev, plan_cursor=pulled.cursor)
    report.plan_version = pulled.cursor
    progress("pull", 1, 1)
    report.texts_dropped = side.drop_old_texts(dev)
    return report

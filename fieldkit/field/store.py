"""The device store: an append-only SQLite log of engagement records (WAL, synchronous=FULL)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from fieldkit.at_rest import WrongKeyError
from fieldkit.encrypted_store import DATABASE_ERRORS, OPERATIONAL_ERRORS, connect_encrypted
from fieldkit.errors import UserError
from fieldkit.field.clock import HybridClock, Stamp
from fieldkit.field.ids import uuid7
from fieldkit.model import ENGAGEMENT, ENGAGEMENT_FORMAT_2, GENESIS_HASH, Engagement, RecordError
from fieldkit.private_files import connect_private

#: PRAGMA application_id of a fieldkit device store ("FKDV"): tells ours from other databases.
APPLICATION_ID = 0x464B4456
SQLITE_HEADER = b"SQLite format 3\x00"

NO_UPDATE = "engagement records are append-only: correct one with `fieldkit log amend`"
NO_DELETE = "engagement records are never deleted on a device"

#: Versioned migrations: MIGRATIONS[n] brings a store from user_version n to n + 1.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE engagements (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            hlc TEXT NOT NULL,
            time TEXT NOT NULL,
            day TEXT NOT NULL,
            amends TEXT,
            root TEXT NOT NULL,
            visit TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            record TEXT NOT NULL
        )""",
        "CREATE INDEX engagements_day ON engagements(day)",
        "CREATE INDEX engagements_amends ON engagements(amends)",
        "CREATE INDEX engagements_root ON engagements(root)",
        """CREATE TABLE outbox (
            id TEXT PRIMARY KEY REFERENCES engagements(id),
            state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'acknowledged')),
            changed_at TEXT,
            attempts INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX outbox_state ON outbox(state)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TRIGGER engagements_no_update BEFORE UPDATE ON engagements
            BEGIN SELECT RAISE(ABORT, '{NO_UPDATE}'); END""",
        f"""CREATE TRIGGER engagements_no_delete BEFORE DELETE ON engagements
            BEGIN SELECT RAISE(ABORT, '{NO_DELETE}'); END""",
        """CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
            BEGIN SELECT RAISE(ABORT, 'sync state is kept for every record'); END""",
        """CREATE TRIGGER outbox_ack_is_final BEFORE UPDATE OF state ON outbox
            WHEN OLD.state = 'acknowledged' AND NEW.state != 'acknowledged'
            BEGIN SELECT RAISE(ABORT, 'an acknowledged record stays acknowledged'); END""",
        """CREATE TRIGGER outbox_keeps_id BEFORE UPDATE OF id ON outbox
            BEGIN SELECT RAISE(ABORT, 'sync state belongs to one record'); END""",
    ],
    # 2: the one update a record may have - retention empties the sensitive texts beside a
    # format 2 record central acknowledged; the signed body, its hash and chain stay as they are.
    [
        "DROP TRIGGER engagements_no_update",
        f"""CREATE TRIGGER engagements_no_update BEFORE UPDATE ON engagements
            WHEN NOT (NEW.seq IS OLD.seq AND NEW.id IS OLD.id AND NEW.hlc IS OLD.hlc
                AND NEW.time IS OLD.time AND NEW.day IS OLD.day AND NEW.amends IS OLD.amends
                AND NEW.root IS OLD.root AND NEW.visit IS OLD.visit
                AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
                AND json_valid(NEW.record)
                AND json_extract(OLD.record, '$.format') = '{ENGAGEMENT_FORMAT_2}'
                AND json(NEW.record) = json_set(json(OLD.record), '$.texts', json('{{}}'))
                AND EXISTS (SELECT 1 FROM outbox o
                            WHERE o.id = OLD.id AND o.state = 'acknowledged'))
            BEGIN SELECT RAISE(ABORT, '{NO_UPDATE}'); END""",
    ],
    # 3: records in time order through an index: the newest without reading them all (the
    # app's recent list, `--limit`) and a day's as a range of it (its time starts with the
    # day), so the index on day goes (one index less to write at each save).
    [
        "CREATE INDEX IF NOT EXISTS engagements_time ON engagements(time)",
        "DROP INDEX IF EXISTS engagements_day",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(UserError):
    """The device store cannot be used: corrupt, foreign, too new, or a write failed."""


class StoreFullError(StoreError):
    """The disk (or the store's size limit) is full: the record was not saved."""


class DeviceStore:
    """One device's records. Devices open theirs with `field.unlock.open_device_store`, which
    gives the SQLCipher data key; without one the store is plain SQLite (the benches' baseline,
    and a store from before encryption, until its first unlock). `create=True` makes one."""

    def __init__(self, path: Path, create: bool = False, data_key: bytes | None = None) -> None:
        self.path = Path(path)
        self.data_key = data_key
        if not self.path.exists() and not create:
            raise StoreError(f"device store {self.path}: no such file (is the device enrolled?)")
        if self.path.exists() and data_key is None:
            _check_header(self.path)
        # Shared with worker threads (the app saves off the UI thread); self.lock serialises.
        options: dict[str, Any] = {"isolation_level": None, "timeout": 10}
        options["check_same_thread"] = False
        try:
            if data_key is None:
                self.conn = connect_private(self.path, **options)
            else:
                self.conn = connect_encrypted(self.path, data_key, **options)
        except WrongKeyError:
            raise StoreError(
                f"device store {self.path}: not a SQLite database this device's key opens (the "
                "file is corrupt, or another one); nothing was changed in it"
            ) from None
        except (*DATABASE_ERRORS, OSError) as exc:  # type: ignore[misc]
            raise StoreError(f"device store {self.path}: cannot open it ({exc})") from None
        self.lock = threading.RLock()
        with self.guard("open"):
            self._configure()
            self._migrate()

    # -- opening ---------------------------------------------------------------------

    def _configure(self) -> None:
        self.conn.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged save has reached the disk (survives power loss), also in WAL.
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA foreign_keys=ON")

    def _migrate(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [
            str(row[0])
            for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        if app_id != APPLICATION_ID and (tables or version):
            raise StoreError(
                f"device store {self.path}: this is a SQLite database but not a fieldkit "
                f"device store (it holds {', '.join(tables[:5]) or 'no tables'}); "
                "nothing was changed in it"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"device store {self.path}: made by a newer fieldkit (schema {version}, this "
                f"one knows up to {SCHEMA_VERSION}); upgrade fieldkit"
            )
        for number in range(version, SCHEMA_VERSION):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number]:
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version={number + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """One caller at a time; SQLite failures as StoreErrors naming the store and the action."""
        try:
            with self.lock:
                yield
        except StoreError:
            raise
        except OPERATIONAL_ERRORS as exc:
            if "full" in str(exc).lower():
                raise StoreFullError(
                    f"device store {self.path}: the disk is full ({exc}) while trying to "
                    f"{doing}; nothing of it was saved and the records already stored are "
                    "intact. Free some space (or sync) and try again"
                ) from None
            raise StoreError(f"device store {self.path}: cannot {doing}: {exc}") from None
        except DATABASE_ERRORS as exc:
            raise StoreError(
                f"device store {self.path}: the database is damaged or not a device store "
                f"({exc}) while trying to {doing}; keep a copy of the file and report it"
            ) from None

    def close(self) -> None:
        self.conn.close()

    def opener(self) -> Callable[[], Any]:
        """Opens another connection to this store (picklable: for a worker process)."""
        return partial(open_reader, self.path, self.data_key)

    # -- writing ---------------------------------------------------------------------

    def append(
        self, drafts: Sequence[Engagement], signer: Any, clock: HybridClock
    ) -> list[Engagement]:
        """Chain, stamp, sign and store `drafts` in one transaction; all or nothing.

        Each draft gets a fresh hlc stamp (and a UUIDv7 id if it has none); `signer(digest)`
        signs. One draft is the ordinary save; many is the bulk path (simulate, benches).
        """
        sealed: list[Engagement] = []
        with self.guard("save the record" if len(drafts) == 1 else "save the records"):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                head = self.conn.execute(
                    "SELECT hash, hlc FROM engagements ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                prev = head[0] if head else GENESIS_HASH
                local = HybridClock(clock.last, clock.wall)
                if head:
                    local.advance(Stamp.parse(head[1]))
                roots = self._roots({d.amends for d in drafts if d.amends})
                rows = []
                for draft in drafts:
                    rec = draft.with_changes(id=draft.id or uuid7(), hlc=str(local.now()))
                    rec = rec.sealed(prev, signer)
                    root = rec.id
                    if rec.amends:
                        root = roots.get(rec.amends) or rec.amends
                    roots[rec.id] = root
                    rows.append(_row(rec, root))
                    sealed.append(rec)
                    prev = rec.hash
                self.conn.executemany(
                    f"INSERT INTO engagements ({', '.join(INDEXED)}, record) "
                    f"VALUES ({', '.join('?' * (len(INDEXED) + 1))})",
                    rows,
                )
                self.conn.executemany(
                    "INSERT INTO outbox (id, state, changed_at) VALUES (?, 'pending', ?)",
                    [(r.id, r.recorded_at) for r in sealed],
                )
                # The chain's head, so that verify notices when the newest records go.
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('head', "
                    "(SELECT seq || ':' || hash FROM engagements ORDER BY seq DESC LIMIT 1))"
                )
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        clock.advance(local.last)
        return sealed

    def _roots(self, ids: set[str]) -> dict[str, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT id, root FROM engagements WHERE id IN ({marks})", sorted(ids)
        )
        return dict(rows.fetchall())

    # -- reading ---------------------------------------------------------------------

    def last_stamp(self) -> Stamp | None:
        with self.guard("read the store"):
            row = self.conn.execute("SELECT hlc FROM engagements ORDER BY seq DESC LIMIT 1")
            found = row.fetchone()
        return Stamp.parse(found[0]) if found else None

    def count(self) -> int:
        with self.guard("count records"):
            return int(self.conn.execute("SELECT count(*) FROM engagements").fetchone()[0])

    def get(self, record_id: str) -> Engagement | None:
        with self.guard("read a record"):
            row = self.conn.execute("SELECT record FROM engagements WHERE id = ?", (record_id,))
            found = row.fetchone()
        return _load(found[0]) if found else None

    def find(self, part: str) -> list[str]:
        """Ids starting or ending with `part` (lists show the last 8 characters)."""
        with self.guard("find a record"):
            rows = self.conn.execute(
                "SELECT id FROM engagements WHERE (id >= ? AND id < ?) OR id LIKE ? "
                "ORDER BY seq LIMIT 10",
                (part, part + "\uffff", "%" + part.replace("%", "").replace("_", "")),
            )
            return [r[0] for r in rows]

    def latest_of(self, record_id: str) -> Engagement | None:
        """The newest version of the record `record_id` belongs to."""
        with self.guard("read a record"):
            row = self.conn.execute(
                "SELECT e.record FROM engagements e WHERE e.root = "
                "(SELECT root FROM engagements WHERE id = ?) ORDER BY e.seq DESC LIMIT 1",
                (record_id,),
            ).fetchone()
        return _load(row[0]) if row else None

    def records(
        self,
        day: str | None = None,
        history: bool = False,
        limit: int | None = None,
        newest_first: bool = False,
        kind: str | None = None,
    ) -> list[tuple[Engagement, str]]:
        """(record, sync state) pairs: latest versions only unless `history`; of one day or all;
        of one kind (engagement, activity) or both."""
        where, args = [], []
        if kind is not None:
            # An engagement's record does not write its kind (model: KIND_FIELDS).
            where.append("coalesce(json_extract(e.record, '$.kind'), ?) = ?")
            args += [ENGAGEMENT, kind]
        if day is not None:
            # A record's day is the first 10 characters of its time (indexed_columns): the
            # day's records are the range of times from the day to the day followed by
            # U+FFFF, which sorts after every character a time holds.
            where.append("e.time >= ? AND e.time < ?")
            args += [day, day + "\uffff"]
        if not history:
            where.append("NOT EXISTS (SELECT 1 FROM engagements n WHERE n.amends = e.id)")
        sql = "SELECT e.record, o.state FROM engagements e LEFT JOIN outbox o ON o.id = e.id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.time DESC, e.seq DESC" if newest_first else " ORDER BY e.time, e.seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.guard("list records"):
            rows = self.conn.execute(sql, args).fetchall()
        return [(_load(text), state or "missing") for text, state in rows]

    def versions(self, record_id: str) -> list[Engagement]:
        """Every version of one record, oldest first."""
        with self.guard("read a record"):
            rows = self.conn.execute(
                "SELECT record FROM engagements WHERE root = "
                "(SELECT root FROM engagements WHERE id = ?) ORDER BY seq",
                (record_id,),
            ).fetchall()
        return [_load(r[0]) for r in rows]


def open_reader(path: Path, data_key: bytes | None) -> Any:
    """Another connection to the store at `path`, with its data key (None: a plain store)."""
    if data_key is None:
        return sqlite3.connect(str(path))
    return connect_encrypted(path, data_key)


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise StoreError(f"device store {path}: cannot read it ({exc})") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(
            f"device store {path}: not a SQLite database (the file is corrupt or something "
            "else); nothing was changed in it"
        )


#: The columns stored beside a record's signed JSON (for lists by day, visit and version).
INDEXED = ("id", "hlc", "time", "day", "amends", "root", "visit", "prev_hash", "hash")


def indexed_columns(rec: Engagement, root: str) -> dict[str, str | None]:
    """The columns stored beside a record's signed JSON, as its content gives them (by name)."""
    return {
        "id": rec.id,
        "hlc": rec.hlc,
        "time": rec.time,
        "day": rec.time[:10],
        "amends": rec.amends,
        "root": root,
        "visit": rec.visit,
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
    }


def _row(rec: Engagement, root: str) -> tuple[str | None, ...]:
    return (*indexed_columns(rec, root).values(), rec.canonical().decode("utf-8"))


def _load(text: str) -> Engagement:
    try:
        return Engagement.from_json(text)
    except RecordError as exc:
        raise StoreError(
            f"a stored record cannot be read ({exc}); run `fieldkit log verify`"
        ) from None

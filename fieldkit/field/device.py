"""An enrolled device: today's assignments, prefilled drafts, save, amend, list, verify."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fieldkit.field.outbox as outbox
from fieldkit.errors import UserError, quote
from fieldkit.field.chain import ChainReport, verify_store
from fieldkit.field.clock import HybridClock
from fieldkit.field.draft import Draft, check_draft
from fieldkit.field.enroll import (
    DEVICE_DIR,
    PRIVATE_KEY,
    SEAL_FILE,
    STORE_FILE,
    load_device_file,
    load_device_loadout,
)
from fieldkit.field.kept import SEALING, SIGNING, encrypt_plain_key, password
from fieldkit.field.keys import DeviceKey, keep_device_key_private
from fieldkit.field.loadout import Assignment, Loadout
from fieldkit.field.roster import partners_present
from fieldkit.field.store import DeviceStore
from fieldkit.field.unlock import open_device_store
from fieldkit.i18n import _
from fieldkit.model import ENGAGEMENT, ENGAGEMENT_FORMAT_2, Engagement

#: After a visit ends, its engagements are still prefilled from it for this long.
GRACE = timedelta(hours=2)


class RecordNotFound(UserError):
    """No record with that id (or id prefix) on this device."""


class NotAnEngagement(UserError):
    """An activity log entry where an engagement is meant (amend)."""


class NothingChanged(UserError):
    """An amendment that would store the record again as it is."""


#: The record id that names the record stored last (`fieldkit log amend last`).
LAST = "last"

#: What an amendment can change: every field an officer fills in.
AMENDABLE = tuple(f.name for f in fields(Draft) if f.name != "amends")


class Device:
    """The device in a workspace. Every call is local and quick: no network, ever."""

    def __init__(
        self, folder: Path, info: dict[str, Any], loadout: Loadout, store: DeviceStore
    ) -> None:
        self.folder = folder
        self.info = info
        self.loadout = loadout
        self.store = store
        self.clock = HybridClock(store.last_stamp())
        self._key: DeviceKey | None = None

    @classmethod
    def open(cls, root: Path, passphrase: str | None = None) -> Device:
        """The device of the workspace at `root` (or `root` itself if it is the device folder),
        unlocked with the officer's passphrase (given, else as field/unlock.py finds it).

        On the first unlock of a device from before encryption, its store is encrypted and its
        plain loadout and key files are taken into the store or encrypted.
        """
        folder = root if (root / "device.json").exists() else root / DEVICE_DIR
        info = load_device_file(folder)
        if (folder / PRIVATE_KEY).is_file():
            keep_device_key_private(folder / PRIVATE_KEY)
        store = open_device_store(folder / STORE_FILE, passphrase)
        try:
            loadout = load_device_loadout(folder, info, store)
            encrypt_plain_key(store, folder / PRIVATE_KEY, SIGNING)
            encrypt_plain_key(store, folder / SEAL_FILE, SEALING)
        except BaseException:
            store.close()
            raise
        return cls(folder, info, loadout, store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Device:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- who and when ----------------------------------------------------------------

    @property
    def id(self) -> str:
        return str(self.info["device_id"])

    @property
    def officer(self) -> str:
        return str(self.info["officer"])

    @property
    def public_key(self) -> str:
        return str(self.info["public_key"])

    @property
    def zone(self) -> ZoneInfo:
        return self.loadout.zone

    def now(self) -> datetime:
        return datetime.now(self.zone).replace(microsecond=0)

    @property
    def key(self) -> DeviceKey:
        if self._key is None:
            self._key = DeviceKey.load(
                self.folder / PRIVATE_KEY, password=password(self.store, SIGNING)
            )
        return self._key

    # -- the plan --------------------------------------------------------------------

    def today(self, now: datetime | None = None) -> list[Assignment]:
        """This team's assignments that start on the local day of `now`, and the one under way
        (an overnight visit that began the evening before), in time order."""
        moment = now or self.now()
        day = moment.astimezone(self.zone).date()
        return [
            a
            for a in self.loadout.assignments
            if a.start.astimezone(self.zone).date() == day or a.covers(moment)
        ]

    def current(self, now: datetime | None = None) -> Assignment | None:
        """The assignment under way at `now`, else the one that ended within GRACE, else None."""
        moment = now or self.now()
        under_way = [a for a in self.loadout.assignments if a.covers(moment)]
        if under_way:
            return under_way[0]
        ended = [a for a in self.loadout.assignments if a.end <= moment < a.end + GRACE]
        return ended[-1] if ended else None

    def outside_operation(self, moment: datetime) -> str | None:
        """Why `moment` is not during the operation (its dates, or a visit running past them);
        None when it is, or when the loadout does not say the dates."""
        dates = self.loadout.dates
        local = moment.astimezone(self.zone)
        if dates is None or dates[0] <= local.date() <= dates[1] or self.current(moment):
            return None
        return _("outside the operation's dates ({start} to {end})").format(
            start=dates[0].isoformat(), end=dates[1].isoformat()
        )

    def prefill(self, now: datetime | None = None) -> Draft:
        """A draft with the time, the current assignment's visit, venue and type, and the
        partners present: the team's roster on that day (`partners_present`), wherever it is."""
        moment = (now or self.now()).astimezone(self.zone).replace(microsecond=0)
        partners = partners_present(self.loadout, moment, self.officer)
        draft = Draft(officer=self.officer, time=moment, partners=partners)
        found = self.current(moment)
        if found is not None:
            venue = self.loadout.venues[found.venue]
            draft.update(visit=found.visit, venue=venue.id, venue_type=venue.type)
        return draft

    # -- writing ---------------------------------------------------------------------

    def record_from(self, draft: Draft, recorded: datetime | None = None) -> Engagement:
        """Check a draft and turn it into an unsealed record (the store seals it)."""
        if (
            draft.venue is not None
            and draft.venue_type is None
            and draft.venue in self.loadout.venues
        ):
            draft.venue_type = self.loadout.venues[draft.venue].type
        check_draft(draft, self.loadout)
        recorded = recorded or self.now()
        assert draft.venue_type is not None  # checked above
        return Engagement(
            id="",
            device=self.id,
            officer=draft.officer,
            operation=self.loadout.operation,
            team=self.loadout.team,
            hlc="",
            recorded_at=recorded.isoformat(),
            timezone=self.loadout.timezone,
            time=draft.time.isoformat(),
            venue_type=draft.venue_type,
            visit=draft.visit,
            venue=draft.venue,
            lat=draft.lat,
            lon=draft.lon,
            accuracy_m=draft.accuracy_m,
            people=tuple(draft.people),
            language=draft.language,
            interpreter=draft.interpreter,
            partners=tuple(draft.partners),
            indicators=tuple(draft.indicators),
            outcomes=tuple(draft.outcomes),
            referral_ref=draft.referral_ref or None,
            notes=draft.notes or None,
            amends=draft.amends,
            persons=tuple(draft.persons),
            format=ENGAGEMENT_FORMAT_2,
            position_source=draft.position_source,
        )

    def save(self, draft: Draft) -> Engagement:
        """Check, chain, sign and store one engagement; returns the stored record.

        An amendment that changes nothing is refused (NothingChanged): nothing is stored.
        """
        record = self.record_from(draft)
        if draft.amends is not None:
            self._check_changes(record, draft.amends)
        return self.store.append([record], self.key.sign, self.clock)[0]

    def _check_changes(self, record: Engagement, amends: str) -> None:
        before = self.store.get(amends)
        if before is None:
            return  # record_from's checks and the store name an unknown record
        if all(getattr(record, name) == getattr(before, name) for name in AMENDABLE):
            raise NothingChanged(
                f"the amendment changes nothing in record {amends[-8:]} ({amends}): "
                "nothing was stored; give the fields to correct with their new values"
            )

    def save_many(
        self, drafts: list[Draft], recorded: list[datetime] | None = None
    ) -> list[Engagement]:
        """The bulk path: all drafts in one transaction (simulate, benches, imports)."""
        stamps = recorded or [None] * len(drafts)  # type: ignore[list-item]
        records = [self.record_from(d, r) for d, r in zip(drafts, stamps, strict=True)]
        return self.store.append(records, self.key.sign, self.clock)

    def resolve(self, record_id: str) -> str:
        """A full record id from an id, a unique prefix or suffix of one, or `last` (the
        record stored last: the newest engagement, or the newest correction of one)."""
        if record_id == LAST:
            return self._stored_last()
        if self.store.get(record_id) is not None:
            return record_id
        # A prefix is 4 characters or more of an id (36): longer text is no id of ours.
        found = self.store.find(record_id) if 4 <= len(record_id) <= 64 else []
        if len(found) == 1:
            return found[0]
        if not found:
            raise RecordNotFound(
                f"no record {quote(record_id)} on this device (see `fieldkit log list`)"
            )
        raise RecordNotFound(f"{quote(record_id)} matches several records: {', '.join(found[:5])}")

    def _stored_last(self) -> str:
        with self.store.guard("find the last record"):
            row = self.store.conn.execute(
                "SELECT id FROM engagements WHERE json_extract(record, '$.kind') IS NULL "
                "ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        if row is None:
            raise RecordNotFound("no record on this device yet (see `fieldkit log list`)")
        return str(row[0])

    def draft_of(self, record_id: str) -> Draft:
        """A draft of the newest version of a record, to change and save as an amendment."""
        latest = self.store.latest_of(self.resolve(record_id))
        assert latest is not None
        if latest.kind != ENGAGEMENT:
            raise NotAnEngagement(
                f"record {latest.id[-8:]} ({latest.id}) is an entry of the activity log "
                f"({latest.activity}), not an engagement: it is not amended; log a note instead"
            )
        draft = Draft(officer=latest.officer, time=datetime.fromisoformat(latest.time))
        for f in fields(Draft):
            if f.name not in ("officer", "time", "amends"):
                value = getattr(latest, f.name)
                setattr(draft, f.name, list(value) if isinstance(value, tuple) else value)
        draft.amends = latest.id
        return draft

    def amend(self, record_id: str, **changes: Any) -> Engagement:
        """A new version of the record correcting the given fields; the old one stays."""
        draft = self.draft_of(record_id).update(**changes)
        return self.save(draft)

    # -- reading ---------------------------------------------------------------------

    def records(
        self, day: date | None = None, history: bool = False
    ) -> list[tuple[Engagement, str]]:
        """(record, sync state): the engagements' latest versions (or every version) of one day
        or of all days (the activity log is `field.activity`'s)."""
        day_text = day.isoformat() if day else None
        return self.store.records(day_text, history=history, kind=ENGAGEMENT)

    def recent(self, limit: int = 10) -> list[tuple[Engagement, str]]:
        """The newest engagements (latest versions), newest first."""
        return self.store.records(limit=limit, newest_first=True, kind=ENGAGEMENT)

    def history(self, record_id: str) -> list[Engagement]:
        return self.store.versions(self.resolve(record_id))

    def pending_count(self) -> int:
        return outbox.pending_count(self.store)

    def sync_counts(self) -> dict[str, int]:
        return outbox.counts(self.store)

    def verify(self, workers: int = 1) -> ChainReport:
        """The chain checked; signatures on `workers` processes when the store is large."""
        with self.store.guard("verify the records"):
            return verify_store(self.store.conn, self.public_key, workers, self.store.opener())

"""A device's push bundle read within limits: its directory, then its manifest, then records.

The file on disk is sealed to central's key (wire/seal.py): its size is checked before it is
read, then it is opened with central's key and what it held, a zip, is checked here. Nothing
is decompressed before the zip's own directory says it is small: the directory's size
(from the end record, before zipfile parses it), the exact set of member names, each member's
size, the total and the compression ratio. Then the manifest and its signature are read (a
few hundred bytes); the records are read only after central has checked who signed them.
Every member is read with a hard cap (at most cap+1 bytes from the stream), whatever the
headers say, so a zip bomb costs milliseconds and kilobytes.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import IO, Any

from fieldkit.central.content import is_uuid
from fieldkit.errors import clip, quote
from fieldkit.i18n import _
from fieldkit.json_input import JSONInputError, loads, loads_lines
from fieldkit.wire.protocol import (
    BUNDLE_FORMAT,
    CREDENTIAL,
    DEVICE_ID,
    MANIFEST,
    RECORDS,
    SIGNATURE,
    BundleError,
)

#: A bundle's whole content, uncompressed (about 60,000 records of a week's logging).
MAX_CONTENT = 64 * 1024 * 1024
#: The most each member may hold, uncompressed.
LIMITS = {MANIFEST: 64 * 1024, SIGNATURE: 1024, RECORDS: MAX_CONTENT, CREDENTIAL: 1024}
#: Bytes of the zip's central directory (a bundle's four entries take a few hundred).
MAX_DIRECTORY = 64 * 1024
#: The largest zip a bundle may be (its members, their headers and its directory).
MAX_ZIP = MAX_CONTENT + 2 * MAX_DIRECTORY
#: Uncompressed bytes per compressed byte (bundles are written uncompressed; JSON deflates
#: about 10 to 1; a zip bomb, about 1,000 to 1).
MAX_RATIO = 100
_END_RECORD = b"PK\x05\x06"
_END_SIZE = 22
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError)


class BundleFile:
    """An open push bundle whose zip directory passed every size and name check."""

    def __init__(self, source: Path, content: IO[bytes] | None = None) -> None:
        """The bundle zip `content` (opened from a sealed file) or, without it, `source`."""
        self.source = source
        self.damaged = f"bundle {source} is truncated or corrupted"
        try:
            self._file: IO[bytes] = content if content is not None else source.open("rb")
        except FileNotFoundError:
            raise BundleError(_("bundle {source}: no such file").format(source=source)) from None
        except OSError as exc:
            raise BundleError(
                _("bundle {source}: cannot read it ({strerror})").format(
                    source=source, strerror=exc.strerror
                )
            ) from None
        try:
            self._check_end_record()
            self._zip = zipfile.ZipFile(self._file)
            self._members = self._check_directory(self._zip.infolist())
        except BundleError:
            self._file.close()
            raise
        except _READ_ERRORS as exc:
            self._file.close()
            raise self._refused(
                _("{damaged} ({reason})").format(damaged=self.damaged, reason=clip(str(exc)))
            ) from None

    def __enter__(self) -> BundleFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()
        self._file.close()

    def _refused(self, message: str) -> BundleError:
        return BundleError(f"{message}; nothing was imported")

    def _check_end_record(self) -> None:
        """The central directory's size and entry count, from the zip's end record."""
        size = self._file.seek(0, 2)
        if size > MAX_ZIP:
            raise self._refused(
                _("bundle {source} is {size:,} bytes, over the bundle limit").format(
                    source=self.source, size=size
                )
            )
        self._file.seek(max(0, size - _END_SIZE - 0xFFFF))
        tail = self._file.read()
        at = tail.rfind(_END_RECORD)
        if at < 0 or len(tail) - at < _END_SIZE:
            raise self._refused(self.damaged)
        entries, directory = struct.unpack_from("<HI", tail, at + 10)
        if entries > len(LIMITS) or directory > MAX_DIRECTORY:
            raise self._refused(
                _(
                    "{source} is not a device bundle (it lists {entries:,} files in "
                    "{directory:,} bytes; a bundle holds at most {n})"
                ).format(source=self.source, entries=entries, directory=directory, n=len(LIMITS))
            )

    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        """Names, sizes, methods and ratios, as the directory gives them: nothing read yet."""
        names = Counter(info.filename for info in infos)
        for name, times in names.items():
            if name not in LIMITS:
                raise self._refused(
                    _(
                        "{source} is not a device bundle: it holds {name} (a bundle holds only "
                        "{limits})"
                    ).format(source=self.source, name=quote(name), limits=", ".join(LIMITS))
                )
            if times > 1:
                raise self._refused(
                    _("{source} holds {name} {times} times").format(
                        source=self.source, name=name, times=times
                    )
                )
        if not {MANIFEST, SIGNATURE, RECORDS} <= names.keys():
            raise BundleError(
                _("{source} is not a device bundle (no manifest or records)").format(
                    source=self.source
                )
            )
        for info in infos:
            self._check_member(info)
        total = sum(info.file_size for info in infos)
        if total > MAX_CONTENT:
            raise self._refused(
                _(
                    "{source} holds {total:,} bytes uncompressed, over the {max_content:,} a "
                    "bundle may hold"
                ).format(source=self.source, total=total, max_content=MAX_CONTENT)
            )
        return {info.filename: info for info in infos}

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        name, size = info.filename, info.file_size
        if info.flag_bits & 0x1 or info.compress_type not in _METHODS:
            raise self._refused(
                _("{source}: {name} is encrypted or compressed unusually").format(
                    source=self.source, name=name
                )
            )
        if size > LIMITS[name]:
            raise self._refused(
                _(
                    "{source}: {name} is {size:,} bytes uncompressed, over the {limit:,} a "
                    "bundle may hold"
                ).format(source=self.source, name=name, size=size, limit=LIMITS[name])
            )
        if size > MAX_RATIO * max(info.compress_size, 1) + 1024:
            raise self._refused(
                _(
                    "{source}: {name} expands {ratio:,} times ({compress_size:,} bytes to "
                    "{size:,}): a zip bomb, not a bundle"
                ).format(
                    source=self.source,
                    name=name,
                    ratio=size // max(info.compress_size, 1),
                    compress_size=info.compress_size,
                    size=size,
                )
            )

    def read(self, name: str) -> bytes | None:
        """A member's bytes (None when absent), never more than its limit whatever its header
        says; a broken CRC or stream is a damaged bundle."""
        info = self._members.get(name)
        if info is None:
            return None
        try:
            with self._zip.open(info) as stream:
                data = stream.read(LIMITS[name] + 1)
        except _READ_ERRORS as exc:
            raise self._refused(
                _("{damaged} ({reason})").format(damaged=self.damaged, reason=clip(str(exc)))
            ) from None
        if len(data) > LIMITS[name]:
            raise self._refused(
                _("{source}: {name} is over {limit:,} bytes").format(
                    source=self.source, name=name, limit=LIMITS[name]
                )
            )
        return data

    def manifest(self) -> tuple[dict[str, Any], bytes, str]:
        """The manifest, its bytes (what the signature covers) and the signature."""
        head, sig = self.read(MANIFEST) or b"", self.read(SIGNATURE) or b""
        try:
            manifest = loads(head)
            signature = sig.decode("ascii")
        except (JSONInputError, UnicodeDecodeError) as exc:
            raise self._refused(
                _("{damaged}: unreadable manifest ({reason})").format(
                    damaged=self.damaged, reason=clip(str(exc))
                )
            ) from None
        if (
            not isinstance(manifest, dict)
            or manifest.get("format") != BUNDLE_FORMAT
            or any(k not in manifest for k in ("bundle", "device", "credential_id"))
            or not isinstance(manifest.get("public_key"), str)
            or not isinstance(manifest.get("answer_key"), str)
            or not re.fullmatch("[0-9a-f]{64}", manifest["answer_key"])
            or type(manifest.get("count")) is not int
            or not isinstance(manifest.get("checksums"), dict)
        ):
            raise BundleError(
                _("{source} is not a device bundle ({bundle_format} manifest)").format(
                    source=self.source, bundle_format=BUNDLE_FORMAT
                )
            )
        self._check_ids(manifest)
        return manifest, head, signature

    def _check_ids(self, manifest: dict[str, Any]) -> None:
        """The manifest's ids are ids: they are looked up, stored and shown."""
        for name in ("device", "credential_id"):
            value = manifest[name]
            if not isinstance(value, str) or not re.fullmatch(DEVICE_ID, value):
                raise BundleError(
                    _(
                        "{source}: the manifest's {name} {value} is not a device id; nothing was "
                        "imported"
                    ).format(source=self.source, name=name, value=quote(value))
                )
        if not is_uuid(manifest["bundle"]):
            raise BundleError(
                _(
                    "{source}: the manifest's bundle id {bundle} is not a UUID; nothing was "
                    "imported"
                ).format(source=self.source, bundle=quote(manifest["bundle"]))
            )

    def checked(self, name: str, manifest: dict[str, Any]) -> bytes | None:
        """A member read whole and matched with the manifest's sha256 of it."""
        data = self.read(name)
        if data is not None and manifest["checksums"].get(name) != _sha256(data):
            raise self._refused(
                _(
                    "{source} is corrupted: {name} does not match the manifest's sha256 checksum"
                ).format(source=self.source, name=name)
            )
        return data

    def credential(self, manifest: dict[str, Any]) -> str | None:
        data = self.checked(CREDENTIAL, manifest)
        try:
            return None if data is None else data.decode("ascii")
        except UnicodeDecodeError:
            raise self._refused(
                _("{damaged}: unreadable credential").format(damaged=self.damaged)
            ) from None

    def records(self, manifest: dict[str, Any]) -> tuple[list[dict[str, Any]], list[bytes]]:
        """The records and their lines as written, checked against the manifest's count."""
        data = self.checked(RECORDS, manifest) or b""
        lines = [line for line in data.splitlines() if line and not line.isspace()]
        try:
            records = loads_lines(lines, data)
        except JSONInputError as exc:
            raise self._refused(
                _("{damaged}: records.jsonl {exc}").format(damaged=self.damaged, exc=exc)
            ) from None
        if len(records) != manifest["count"]:
            raise self._refused(
                _("{source} is corrupted: it holds {n} records, its manifest says {count}").format(
                    source=self.source, n=len(records), count=manifest["count"]
                )
            )
        return records, lines


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

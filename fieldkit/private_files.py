"""Files that hold secrets, for their owner only: folders 0700, files 0600, whatever the umask.

Everything that writes a store, a loadout, a key, a bundle or an answer goes through here. SQLite
gives a database's -wal and -shm files the mode of the database file itself, so a database
made owner-only before its first connection stays owner-only.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

FOLDER_MODE = 0o700
FILE_MODE = 0o600
log = logging.getLogger("fieldkit")


def private_folder(path: Path) -> Path:
    """`path` as a folder; the folders made here (it and missing parents) are owner-only.

    A folder that already exists is left as it is: it may be a stick or a shared drive.
    """
    missing = []
    here = Path(path)
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs to keep
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is cut by the umask
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


@contextmanager
def private_output(
    path: Path, durable: bool = True, exclusive: bool = False
) -> Iterator[IO[bytes]]:
    """A file to write `path` through: owner-only from the start, in place only when whole.

    It is a temporary file beside `path` (mkstemp makes it 0600), renamed over `path` when the
    block ends without an error; on an error it is removed and `path` is untouched. With
    `exclusive`, FileExistsError instead of replacing a file already at `path`.
    """
    folder = private_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            if durable:
                os.fsync(out.fileno())
        if exclusive:
            os.link(tmp, path)  # fails if the name is taken: nothing is overwritten
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_private(
    path: Path, data: bytes | str, durable: bool = True, exclusive: bool = False
) -> None:
    """Write `path` whole (atomically), readable and writable by its owner only; with
    `exclusive`, FileExistsError when a file is already there."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with private_output(path, durable, exclusive) as out:
        out.write(raw)


def create_private(path: Path) -> bool:
    """Make `path` an empty owner-only file if there is none; True when it was made here."""
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return True


def connect_private(path: Path, **options: Any) -> sqlite3.Connection:
    """sqlite3.connect to `path`, a new database file being made owner-only first."""
    if not Path(path).exists():
        create_private(Path(path))
    return sqlite3.connect(str(path), **options)


def tighten_key_file(path: Path, what: str, advice: str) -> None:
    """A key file others may read or write is made 0600, with a warning naming what to do.

    The kit's choice (the README says it): tighten and warn, so an officer can go on working,
    rather than refuse as ssh does. A key that cannot be tightened (someone else's file) is
    refused with PermissionError.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return
    os.chmod(path, FILE_MODE)
    log.warning(
        "%s %s was open to other users (mode %o); it is now %o (owner only). %s",
        what,
        path,
        mode,
        FILE_MODE,
        advice,
    )

"""Files that hold secrets are their owner's only: files 0600, folders 0700, whatever the umask."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fieldkit.field.keys import DeviceKey
from tests.support.cli import fieldkit
from tests.support.paths import ROOT

# Run with umask 000: every file the kit makes would be 0666 (folders 0777) unless it says
# otherwise. Connections stay open while the modes are read, so -wal and -shm exist.
EVERY_SECRET = textwrap.dedent(
    """
    import json, os, stat, sys
    from pathlib import Path

    os.umask(0)
    from fieldkit.field.device import Device
    from fieldkit.central.bundle import import_bundle, write_answer
    from fieldkit.sync.bundle import export_bundle, import_answer
    from fieldkit.central.store import Central, central_path
    from fieldkit.central.tls import self_signed
    from tests.support.sync import central_workspace, fill, new_device

    tmp = Path(sys.argv[1])
    ws = central_workspace(tmp)
    dev = tmp / "dev"
    new_device(ws, dev)
    fill(dev, 2)
    export_bundle(dev, tmp / "stick" / "new" / "dev.bundle")
    with Central(central_path(ws.sync)) as store:
        answer, _, _ = import_bundle(store, tmp / "stick" / "new" / "dev.bundle")
    write_answer(answer, tmp / "stick" / "back" / "dev.answer.json")
    import_answer(dev, tmp / "stick" / "back" / "dev.answer.json")
    (tmp / "tls").mkdir()
    self_signed(tmp / "tls" / "central.pem", tmp / "tls" / "central-key.pem")
    with Device.open(dev) as device, Central(central_path(ws.sync)) as store:
        fill(dev, 1)
        store.touch(store.conn.execute("SELECT id FROM devices").fetchone()[0])
        modes = {
            p.relative_to(tmp).as_posix(): stat.S_IMODE(p.stat().st_mode)
            for p in tmp.rglob("*")
        }
    print(json.dumps(modes))
    """
)


@pytest.fixture(scope="module")
def modes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    tmp = tmp_path_factory.mktemp("umask000")
    done = subprocess.run(
        [sys.executable, "-c", EVERY_SECRET, str(tmp)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, int] = json.loads(done.stdout)
    return found


SECRET_FILES = [
    "dev/device/store.db",
    "dev/device/store.db-wal",
    "dev/device/store.db-shm",
    "dev/device/store.unlock.json",
    "dev/device/device.key",
    "dev/device/sync.json",
    "central/ops/barnet-2023/loadouts/alpha.json",
    "central/sync/central.db",
    "central/sync/central.db-wal",
    "central/sync/central.db-shm",
    "central/sync/central.key",
    "stick/new/dev.bundle",
    "stick/back/dev.answer.json",
    "tls/central-key.pem",
]
SECRET_FOLDERS = [
    "dev/device",
    "central/sync",
    "central/ops/barnet-2023/loadouts",
    "stick/new",
    "stick/back",
]


@pytest.mark.parametrize("name", SECRET_FILES)
def test_a_secret_file_is_made_owner_only_whatever_the_umask(
    modes: dict[str, int], name: str
) -> None:
    assert name in modes, sorted(modes)
    assert oct(modes[name]) == oct(0o600)


@pytest.mark.parametrize("name", SECRET_FOLDERS)
def test_a_folder_of_secrets_is_made_owner_only_whatever_the_umask(
    modes: dict[str, int], name: str
) -> None:
    assert oct(modes[name]) == oct(0o700)


def test_no_file_is_left_open_to_others(modes: dict[str, int]) -> None:
    """Anything under the device and central's sync folder: no group or other access at all."""
    open_to_others = {
        name: oct(mode)
        for name, mode in modes.items()
        if name.startswith(("dev/device/", "central/sync/")) and mode & 0o077
        if not name.endswith((".pub", "README.md"))
    }
    assert open_to_others == {}


def test_sqlite_gives_wal_and_shm_the_database_files_mode(tmp_path: Path) -> None:
    """The reason a database made 0600 before connecting is enough: SQLite copies its mode."""
    from fieldkit.private_files import connect_private

    script = textwrap.dedent(
        """
        import os, stat, sys
        from pathlib import Path
        os.umask(0)
        from fieldkit.private_files import connect_private
        path = Path(sys.argv[1])
        conn = connect_private(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        for suffix in ("", "-wal", "-shm"):
            print(oct(stat.S_IMODE(os.stat(str(path) + suffix).st_mode)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "x.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0o600", "0o600", "0o600"]
    assert connect_private is not None


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_device_key_open_to_others_is_tightened_with_a_warning(tmp_path: Path) -> None:
    """The choice (documented in the README): tighten to 0600 and say so, as a warning."""
    from tests.support.sync import central_workspace, new_device

    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    key = dev / "device" / "device.key"
    os.chmod(key, 0o644)
    done = fieldkit("log", "verify", "--workspace", str(dev))
    assert done.returncode == 0, done.stderr
    assert _mode(key) == 0o600
    warning = [line for line in done.stderr.splitlines() if "device.key" in line]
    assert len(warning) == 1, done.stderr
    assert warning[0].startswith("fieldkit: warning: ")
    assert "mode 644" in warning[0] and "now 600" in warning[0]
    assert "revoke" in warning[0]
    again = fieldkit("log", "verify", "--workspace", str(dev))
    assert again.returncode == 0 and "warning" not in again.stderr


def test_centrals_key_open_to_others_is_tightened_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from fieldkit.central.store import CENTRAL_KEY, Central, central_path
    from tests.support.sync import central_workspace

    ws = central_workspace(tmp_path)
    with Central(central_path(ws.sync)) as store:
        made = store.signing_key().public_hex
    key = ws.sync / CENTRAL_KEY
    assert _mode(key) == 0o600
    os.chmod(key, 0o666)
    # An open store reads its keys once; the next one to open reads the file again.
    with Central(central_path(ws.sync)) as store, caplog.at_level("WARNING", logger="fieldkit"):
        assert store.signing_key().public_hex == made
    assert _mode(key) == 0o600
    assert [r.getMessage() for r in caplog.records if "central.key" in r.getMessage()]


def test_a_key_that_cannot_be_tightened_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's key file (chmod fails): refused with what to do, never used as it is."""
    from fieldkit.wire.keys import KeyFileError

    key = DeviceKey.generate()
    key.save(tmp_path / "device.key", tmp_path / "device.pub")
    os.chmod(tmp_path / "device.key", 0o640)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", refuse)
    with pytest.raises(KeyFileError, match=r"chmod 600 .*device\.key"):
        DeviceKey.load(tmp_path / "device.key")

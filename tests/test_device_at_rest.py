"""A device's files at rest: nothing readable without the passphrase, wrong or missing
passphrases refused in one line, a store from before encryption migrated, the passphrase
changed without re-encrypting."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from fieldkit.encrypted_store import is_plain_sqlite
from fieldkit.field.device import Device
from fieldkit.field.kept import SIGNING, read_kept
from fieldkit.field.sample import write_sample_loadouts
from fieldkit.field.unlock import key_password
from tests.support.cli import invoke
from tests.support.device_db import raw_connect
from tests.support.paths import BARNET

NOTES = "Said her passport is kept by the manager at the back office."
VENUE = "carwash-brent-cross"
CODES = ("owes_debt", "long_hours", "nrm_referral")
REF = "NRM-2023-0412"
TIME = "2023-09-26T11:20"


@pytest.fixture
def dev(tmp_path: Path) -> Path:
    op = write_sample_loadouts(BARNET, tmp_path / "ops")
    done = invoke("device", "enroll", op / "loadouts" / "delta.json", "-w", tmp_path / "dev")
    assert done.returncode == 0, done.stderr
    done = invoke(
        "log", "add", "--time", TIME, "--venue", VENUE, "--indicator", "owes_debt,long_hours",
        "--outcome", "nrm_referral", "--notes", NOTES, "--language", "romanian",
        "--person", f"female:under_18:romanian:signs=owes_debt:route=nrm:ref={REF}",
        "-w", tmp_path / "dev",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return tmp_path / "dev"


def device_files(dev: Path) -> list[Path]:
    return [p for p in (dev / "device").iterdir() if p.is_file()]


def test_no_file_of_the_device_shows_what_it_holds(dev: Path) -> None:
    with Device.open(dev) as device:  # the sealing key made, as a bundle's export makes it
        from fieldkit.sync.device_side import device_seal_key

        device_seal_key(device)
    names = {p.name for p in device_files(dev)}
    assert {"store.db", "device.key", "seal.key", "store.unlock.json"} <= names
    assert "loadout.json" not in names and "credential.json" not in names
    for path in device_files(dev):
        data = path.read_bytes()
        for secret in (NOTES, VENUE, REF, *CODES, "Brent Cross", "romanian"):
            assert secret.encode() not in data, f"{secret!r} in {path.name}"
    for key in ("device.key", "seal.key"):
        assert (dev / "device" / key).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
    assert not is_plain_sqlite(dev / "device" / "store.db")


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"FIELDKIT_PASSPHRASE": "not it"}, "wrong passphrase for the device store"),
        ({"FIELDKIT_PASSPHRASE": ""}, "set FIELDKIT_PASSPHRASE"),
    ],
)
def test_a_wrong_or_missing_passphrase_is_one_line(
    dev: Path, env: dict[str, str], said: str
) -> None:
    for args in (("log", "list"), ("log", "add", "--time", TIME), ("device", "info")):
        done = invoke(*args, "-w", dev, env=env)
        assert done.returncode == 2, done.stdout
        assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr and NOTES not in done.stdout


def make_it_plain(dev: Path) -> None:
    """The device as a fieldkit from before encryption left it: plain store, loadout, key."""
    folder = dev / "device"
    with Device.open(dev) as device:
        loadout = read_kept(device.store, "loadout.json") or b""
        password = key_password(device.store.data_key or b"", SIGNING)
    key = serialization.load_pem_private_key((folder / "device.key").read_bytes(), password)
    conn = raw_connect(folder / "store.db", isolation_level=None)
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(folder / "plain.db"),))
    conn.execute("SELECT sqlcipher_export('plain')")
    for pragma in ("user_version", "application_id"):
        value = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        conn.execute(f"PRAGMA plain.{pragma} = {value}")
    conn.execute("DETACH DATABASE plain")
    conn.close()
    for name in ("store.db", "store.db-wal", "store.db-shm", "store.unlock.json"):
        (folder / name).unlink(missing_ok=True)
    (folder / "plain.db").rename(folder / "store.db")
    (folder / "loadout.json").write_bytes(loadout)
    (folder / "device.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_a_plain_device_is_encrypted_on_its_first_unlock(dev: Path) -> None:
    make_it_plain(dev)
    folder = dev / "device"
    assert (
        is_plain_sqlite(folder / "store.db")
        and NOTES.encode() in (folder / "store.db").read_bytes()
    )
    done = invoke("log", "add", "--time", TIME, "--venue", VENUE, "--outcome", "leaflet_given",
                  "-w", dev)  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = invoke("log", "verify", "-w", dev)
    assert done.returncode == 0 and "ok: 2 record(s)" in done.stdout, done.stdout + done.stderr
    assert not is_plain_sqlite(folder / "store.db")
    assert not (folder / "loadout.json").exists()
    assert (folder / "device.key").read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
    for path in device_files(dev):
        assert NOTES.encode() not in path.read_bytes(), path.name


def test_the_passphrase_is_changed_without_re_encrypting(dev: Path) -> None:
    store = dev / "device" / "store.db"
    before = {p.name: p.read_bytes() for p in device_files(dev) if p.suffix != ".json"}
    done = invoke("device", "passphrase", "-w", dev, env={"FIELDKIT_NEW_PASSPHRASE": "new one"})
    assert done.returncode == 0, done.stderr
    assert "passphrase changed" in done.stdout
    after = {p.name: p.read_bytes() for p in device_files(dev) if p.suffix != ".json"}
    assert after == before  # the store and the key files are as they were
    done = invoke("log", "list", "-w", dev)
    assert done.returncode == 2 and "wrong passphrase" in done.stderr
    done = invoke("log", "verify", "-w", dev, env={"FIELDKIT_PASSPHRASE": "new one"})
    assert done.returncode == 0 and "ok: 1 record(s)" in done.stdout
    done = invoke("device", "passphrase", "-w", dev, env={"FIELDKIT_NEW_PASSPHRASE": "x"})
    assert done.returncode == 2 and "wrong passphrase" in done.stderr
    assert store.exists()

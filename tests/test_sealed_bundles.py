"""Bundles sealed to central, answers sealed to the device: nothing readable on the stick, and
a bundle for another central, a tampered one or a plain one refused whole."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit.central.store import Central, central_path
from fieldkit.field.device import Device
from fieldkit.field.kept import read_kept
from fieldkit.wire.seal import (
    OVERHEAD,
    NotForThisKeyError,
    SealError,
    SealKey,
    open_sealed,
    seal,
)
from fieldkit.workspace import Workspace
from tests.support.bundles import members, refused, write_zip
from tests.support.cli import invoke
from tests.support.device_db import kept_json
from tests.support.sync import central_count, central_workspace, new_device

KEY, OTHER = SealKey.generate(), SealKey.generate()
NOTE = "told us the agency takes her wages and she sleeps in the car wash office"


@given(data=st.binary(max_size=4096), purpose=st.sampled_from(["bundle", "answer"]))
def test_what_is_sealed_opens_to_itself_with_the_key(data: bytes, purpose: str) -> None:
    sealed = seal(data, KEY.public_hex, purpose)
    assert len(sealed) == len(data) + OVERHEAD
    assert open_sealed(sealed, KEY, purpose, "b") == data


@given(data=st.binary(max_size=512), at=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_changed_bit_is_refused(data: bytes, at: int, bit: int) -> None:
    sealed = bytearray(seal(data, KEY.public_hex, "bundle"))
    sealed[at % len(sealed)] ^= 1 << bit
    with pytest.raises(SealError):
        open_sealed(bytes(sealed), KEY, "bundle", "b")


@given(data=st.binary(min_size=1, max_size=512), cut=st.integers(min_value=1))
def test_a_cut_off_copy_is_called_truncated(data: bytes, cut: int) -> None:
    sealed = seal(data, KEY.public_hex, "bundle")
    short = sealed[: len(sealed) - 1 - cut % (len(sealed) - 8)]
    with pytest.raises(SealError, match="truncated"):
        open_sealed(short, KEY, "bundle", "b")


@given(data=st.binary(max_size=512))
def test_another_key_or_kind_is_told_apart(data: bytes) -> None:
    with pytest.raises(NotForThisKeyError, match="sealed to another key"):
        open_sealed(seal(data, KEY.public_hex, "bundle"), OTHER, "bundle", "b")
    with pytest.raises(SealError, match="is a sealed answer, not a sealed bundle"):
        open_sealed(seal(data, KEY.public_hex, "answer"), KEY, "bundle", "b")


@pytest.fixture
def carried(tmp_path: Path) -> tuple[Workspace, Path, Path, str]:
    """Central, a device with a noted record, and its bundle: (ws, device, bundle, venue)."""
    ws = central_workspace(tmp_path)
    dev = tmp_path / "dev"
    new_device(ws, dev)
    with Device.open(dev) as d:
        visit = d.loadout.assignments[0]
        d.save(d.prefill(visit.start).update(notes=NOTE, outcomes=["nrm_referral"]))
    bundle = tmp_path / "stick" / "dev.bundle"
    done = invoke("sync", "--export-bundle", bundle, "--workspace", dev)
    assert done.returncode == 0, done.stderr
    return ws, dev, bundle, visit.venue


def readable(path: Path, *texts: str) -> list[str]:
    """What `strings` would find of `texts` in the file."""
    raw = path.read_bytes()
    return [t for t in texts if t.encode() in raw]


def test_a_bundle_and_its_answer_show_nothing_of_what_they_carry(
    carried: tuple[Workspace, Path, Path, str],
) -> None:
    ws, dev, bundle, venue = carried
    with Device.open(dev) as d:
        device, record = d.id, next(iter(d.store.records()))[0].id
    secret = kept_json(dev)["credential"]
    texts = (NOTE[:20], "car wash", venue, device, record, "nrm_referral", secret, "records")
    assert readable(bundle, *texts) == []
    assert b"records.jsonl" in members(bundle, ws)["manifest.json"]  # there, once opened
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    done = invoke("central", "import-bundle", bundle, "--json", "--workspace", ws.root)
    assert done.returncode == 0, done.stderr
    answer = Path(json.loads(done.stdout)["answer"])
    assert readable(answer, device, record, venue, "acknowledged", "alpha") == []
    done = invoke("sync", "--import-bundle", answer, "--json", "--workspace", dev)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["acknowledged"] == 1


def test_a_bundle_sealed_to_another_central_is_refused(
    carried: tuple[Workspace, Path, Path, str], tmp_path: Path
) -> None:
    _, _, bundle, _ = carried
    other = central_workspace(tmp_path / "elsewhere")
    refused(other, bundle, "is sealed to another central, not this one", "nothing was imported")
    assert not bundle.with_name("dev.answer.json").exists()


def test_a_tampered_sealed_bundle_is_refused(
    carried: tuple[Workspace, Path, Path, str], tmp_path: Path
) -> None:
    ws, _, bundle, _ = carried
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.bundle"
    tampered.write_bytes(bytes(data))
    refused(ws, tampered, "corrupted or was tampered with", "nothing was imported")


def test_a_plain_zip_bundle_is_refused_unread(
    carried: tuple[Workspace, Path, Path, str], tmp_path: Path
) -> None:
    ws, _, bundle, _ = carried
    plain = write_zip(tmp_path / "plain.zip", list(members(bundle, ws).items()))
    refused(ws, plain, "is not sealed to central", sealed=False)


def test_a_huge_bundle_is_refused_by_its_size_before_it_is_read(
    carried: tuple[Workspace, Path, Path, str], tmp_path: Path
) -> None:
    ws, _, _, _ = carried
    huge = tmp_path / "huge.bundle"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no disk, and no memory unless it is read
    refused(ws, huge, "bytes, over the", "allowed", sealed=False)


def test_the_keys_central_and_the_device_seal_with(
    carried: tuple[Workspace, Path, Path, str],
) -> None:
    ws, dev, _, _ = carried
    with Central(central_path(ws.sync)) as store:
        public = store.sealing_key().public_hex
    private = ws.sync / "central.seal"
    assert private.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    with Device.open(dev) as device:
        credential = json.loads(read_kept(device.store, "credential.json") or b"{}")
    assert credential["central_seal_key"] == public
    device_key = dev / "device" / "seal.key"
    assert stat.S_IMODE(device_key.stat().st_mode) == 0o600
    assert device_key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert central_count(ws) == 0

"""Stores encrypted at rest: the passphrase wraps a data key that opens a SQLCipher database
(fieldkit/at_rest.py, fieldkit/encrypted_store.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldkit import at_rest, encrypted_store
from fieldkit.at_rest import (
    AtRestError,
    KdfParams,
    WrongKeyError,
    change_passphrase,
    lock_data_key,
    new_data_key,
    read_unlock,
    tune_kdf,
    unlock_data_key,
    unlock_path,
    unwrap_key,
    wrap_key,
)
from fieldkit.encrypted_store import connect_encrypted, migrate_plain, open_encrypted_store
from tests.support.paths import ROOT

keys = st.binary(min_size=32, max_size=32)
NOTE = "met a woman behind the car wash on Kilburn High Road, afraid of her boyfriend"


@given(data_key=keys, kek=keys, context=st.binary(max_size=64))
def test_a_wrapped_key_unwraps_to_itself(data_key: bytes, kek: bytes, context: bytes) -> None:
    wrapped = wrap_key(data_key, kek, context)
    assert data_key not in wrapped
    assert unwrap_key(wrapped, kek, context) == data_key


@given(data_key=keys, kek=keys, other=keys)
def test_another_key_does_not_unwrap(data_key: bytes, kek: bytes, other: bytes) -> None:
    wrapped = wrap_key(data_key, kek)
    if other != kek:
        with pytest.raises(WrongKeyError):
            unwrap_key(wrapped, other)


@given(data_key=keys, kek=keys, at=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_changed_bit_is_refused(data_key: bytes, kek: bytes, at: int, bit: int) -> None:
    wrapped = bytearray(wrap_key(data_key, kek))
    wrapped[at % len(wrapped)] ^= 1 << bit
    with pytest.raises(WrongKeyError):
        unwrap_key(bytes(wrapped), kek)


@given(data_key=keys, kek=keys, cut=st.integers(0, 59))
def test_a_cut_wrapped_key_is_refused(data_key: bytes, kek: bytes, cut: int) -> None:
    with pytest.raises(WrongKeyError):
        unwrap_key(wrap_key(data_key, kek)[:cut], kek)


@given(data_key=keys, kek=keys)
def test_a_key_wrapped_for_one_context_does_not_unwrap_in_another(
    data_key: bytes, kek: bytes
) -> None:
    with pytest.raises(WrongKeyError):
        unwrap_key(wrap_key(data_key, kek, b"params A"), kek, b"params B")


def test_a_passphrase_unlocks_its_data_key_and_only_it() -> None:
    data_key = new_data_key()
    unlock = lock_data_key(data_key, "correct horse battery staple", seconds=0)
    assert unlock_data_key(unlock, "correct horse battery staple") == data_key
    with pytest.raises(WrongKeyError, match="wrong passphrase"):
        unlock_data_key(unlock, "correct horse battery stapler")


def test_kdf_seconds_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDKIT_KDF_SECONDS", "0")
    assert tune_kdf().log2_n == at_rest.MIN_LOG2_N
    monkeypatch.setenv("FIELDKIT_KDF_SECONDS", "soon")
    with pytest.raises(AtRestError, match="FIELDKIT_KDF_SECONDS"):
        tune_kdf()


def test_tuning_raises_the_cost_for_a_longer_target() -> None:
    assert tune_kdf(0.2).log2_n > tune_kdf(0).log2_n


@pytest.mark.parametrize(
    "change",
    [{"log2_n": 40}, {"log2_n": "14"}, {"r": 0}, {"p": 99}, {"salt": "00"}, {"name": "md5"}],
)
def test_damaged_parameters_are_refused_before_any_derivation(change: dict[str, object]) -> None:
    good = KdfParams(b"s" * 16, 12).to_dict()
    with pytest.raises(AtRestError, match="key derivation"):
        KdfParams.from_dict({**good, **change}, "central.unlock.json")


def test_swapped_parameters_do_not_unlock(tmp_path: Path) -> None:
    """The wrapped key is bound to its parameters: a cheaper cost written in is refused."""
    data_key = new_data_key()
    path = tmp_path / "store.unlock.json"
    at_rest.write_unlock(path, lock_data_key(data_key, "pass", seconds=0))
    data = json.loads(path.read_text())
    data["kdf"]["log2_n"] += 1
    path.write_text(json.dumps(data))
    with pytest.raises(WrongKeyError):
        unlock_data_key(read_unlock(path), "pass")


@pytest.mark.parametrize(
    "content", [b"", b"[]", b'{"format": "fieldkit-unlock/1"}', b"x" * 20000, b"\xff\xfe"]
)
def test_an_unusable_unlock_file_is_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "store.unlock.json"
    path.write_bytes(content)
    with pytest.raises(AtRestError, match=str(path)):
        read_unlock(path)


def test_a_changed_passphrase_opens_the_same_store(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    conn = open_encrypted_store(store, "old", create=True, seconds=0)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    before = store.read_bytes()
    change_passphrase(unlock_path(store), "old", "new", seconds=0)
    assert store.read_bytes() == before  # nothing re-encrypted
    with pytest.raises(WrongKeyError):
        open_encrypted_store(store, "old")
    conn = open_encrypted_store(store, "new")
    assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.close()


def _fill(conn: object, rows: int = 1000) -> None:
    conn.execute("CREATE TABLE engagements (id TEXT, venue TEXT, note TEXT)")  # type: ignore[attr-defined]
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO engagements VALUES (?, ?, ?)",
        [(f"rec-{i:04d}", f"popup-cricklewood-{i}", f"{NOTE} #{i}") for i in range(rows)],
    )
    conn.commit()  # type: ignore[attr-defined]


def _no_plaintext(path: Path) -> None:
    """`strings` on the file: no note, venue or record id appears in it."""
    raw = path.read_bytes()
    for text in ("car wash", "Kilburn", "popup-cricklewood", "rec-0001", "engagements"):
        assert text.encode() not in raw, f"{text!r} readable in {path}"


def test_a_thousand_rows_leave_no_plaintext_in_the_file(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    conn = open_encrypted_store(store, "pass", create=True, seconds=0)
    _fill(conn)
    conn.close()
    _no_plaintext(store)
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(unlock_path(store).stat().st_mode) == 0o600


def test_a_wrong_key_is_file_is_not_a_database_as_one_error(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    key = new_data_key()
    connect_encrypted(store, key).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(WrongKeyError, match="wrong key"):
        connect_encrypted(store, new_data_key())


def test_a_wrong_key_prints_nothing_of_sqlcipher(tmp_path: Path) -> None:
    """SQLCipher's own log stays quiet: the user sees one line of ours, not its warnings."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from fieldkit.at_rest import WrongKeyError
        from fieldkit.encrypted_store import connect_encrypted
        path = Path(sys.argv[1])
        conn = connect_encrypted(path, b"k" * 32)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
        try:
            connect_encrypted(path, b"w" * 32)
        except WrongKeyError:
            print("refused")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "s.db")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.strip() == "refused"
    assert done.stderr == ""


def test_a_plain_store_is_migrated_verified_and_removed(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    plain = sqlite3.connect(store)
    plain.execute("PRAGMA journal_mode=WAL")
    _fill(plain)
    plain.execute("PRAGMA user_version = 3")
    plain.execute("PRAGMA application_id = 1234")
    plain.commit()
    plain.close()
    assert b"Kilburn" in store.read_bytes()
    conn = open_encrypted_store(store, "pass", seconds=0)
    assert conn.execute("SELECT count(*) FROM engagements").fetchone() == (1000,)
    assert conn.execute("PRAGMA user_version").fetchone() == (3,)
    assert conn.execute("PRAGMA application_id").fetchone() == (1234,)
    conn.close()
    _no_plaintext(store)
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.db", "store.unlock.json"]


def test_a_copy_that_differs_leaves_the_plain_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store.db"
    plain = sqlite3.connect(store)
    _fill(plain, 10)
    plain.close()
    before = store.read_bytes()
    real = encrypted_store._table_counts
    calls: list[int] = []

    def short_copy(conn: object) -> dict[str, int]:
        calls.append(1)
        counts = real(conn)
        return counts if len(calls) == 1 else {k: v - 1 for k, v in counts.items()}

    monkeypatch.setattr(encrypted_store, "_table_counts", short_copy)
    with pytest.raises(AtRestError, match="left as it was"):
        migrate_plain(store, new_data_key())
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.db"]


def test_an_encrypted_store_without_its_unlock_file_says_so(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    open_encrypted_store(store, "pass", create=True, seconds=0).execute("CREATE TABLE t (x)")
    unlock_path(store).unlink()
    with pytest.raises(AtRestError, match="unlock file"):
        open_encrypted_store(store, "pass")


def test_no_store_and_no_create_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AtRestError, match="no store"):
        open_encrypted_store(tmp_path / "store.db", "pass")
    assert not (tmp_path / "store.db").exists()

"""UUIDv7 record ids (RFC 9562): time-ordered, unique without coordination."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = -1
_last_seq = 0


def uuid7(ms: int | None = None) -> str:
    """A new UUIDv7 as a string; ids made in one process are strictly increasing."""
    global _last_ms, _last_seq
    if ms is not None:  # a given time (tests, imports): unique, not ordered with the others
        return _compose(ms, int.from_bytes(os.urandom(2), "big") & 0xFFF)
    with _lock:
        now = time.time_ns() // 1_000_000
        if now <= _last_ms:
            # Same (or earlier) millisecond: keep order with the 12-bit counter (RFC method 1).
            now = _last_ms
            _last_seq += 1
            if _last_seq > 0xFFF:
                now, _last_seq = _last_ms + 1, 0
        else:
            _last_seq = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = now
        seq = _last_seq
    return _compose(now, seq)


def _compose(ms: int, seq: int) -> str:
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def uuid7_ms(value: str) -> int:
    """The Unix time in milliseconds a UUIDv7 was made at; ValueError if it is not one."""
    u = uuid.UUID(value)
    if u.version != 7:
        raise ValueError(f"{value} is not a UUIDv7")
    return u.int >> 80


def is_uuid7(value: str) -> bool:
    try:
        uuid7_ms(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True

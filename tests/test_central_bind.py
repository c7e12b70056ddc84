"""Trust on first use holds when two first pushes race: the credential binds to one device and
one key, and a push holding the row as it was before the other bound it is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.central.store import Central, ForbiddenError, central_path
from tests.support.sync import central_workspace


@pytest.fixture
def central(tmp_path: Path) -> Central:
    ws = central_workspace(tmp_path)
    return Central(central_path(ws.sync))


def test_a_second_first_push_with_a_stale_row_does_not_replace_the_key(central: Central) -> None:
    with central:
        slot, _ = central.enroll_device("alpha", "op", "officer-1")
        stale = central.device_row(slot)
        assert stale is not None and stale["device"] is None
        central.bind(stale, "dev-a", "key-a")
        with pytest.raises(ForbiddenError, match="another key"):
            central.bind(stale, "dev-a", "key-b")
        with pytest.raises(ForbiddenError, match="belongs to device dev-a"):
            central.bind(stale, "dev-b", "key-b")
        row = central.device_row(slot)
    assert row is not None and (row["device"], row["public_key"]) == ("dev-a", "key-a")


def test_the_same_first_push_twice_is_accepted(central: Central) -> None:
    with central:
        slot, _ = central.enroll_device("alpha", "op", "officer-1")
        stale = central.device_row(slot)
        assert stale is not None
        central.bind(stale, "dev-a", "key-a")
        again = central.bind(stale, "dev-a", "key-a")
    assert (again["device"], again["public_key"]) == ("dev-a", "key-a")

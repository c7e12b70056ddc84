"""The collector pause around bulk ingest: nested, on errors, and never left switched off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from fieldkit.central.bulk import paused_gc


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_resumed_after_nested_blocks() -> None:
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_resumed_after_an_error_in_a_decorated_call() -> None:
    @paused_gc()
    def failing() -> None:
        assert not gc.isenabled()
        raise ValueError("bad record")

    with pytest.raises(ValueError, match="bad record"):
        failing()
    assert gc.isenabled()


def test_left_off_when_it_was_off_before() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_concurrent_calls_resume_only_when_the_last_ends() -> None:
    inside, release = threading.Barrier(3), threading.Event()

    def worker() -> None:
        with paused_gc():
            inside.wait(timeout=10)
            release.wait(timeout=10)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait(timeout=10)  # both workers are inside their blocks
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join(timeout=10)
    assert gc.isenabled()

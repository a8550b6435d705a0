"""The circuit breaker and the store-fault classification (index.faults)."""

import sqlite3

import httpx
import pytest
from chromadb.errors import InternalError, InvalidArgumentError, NotFoundError

from index.faults import CircuitBreaker, DependencyUnavailable, is_store_fault


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def breaker(clock: Clock, **kw) -> CircuitBreaker:
    return CircuitBreaker("store", clock=clock, sleep=clock.sleep, is_fault=is_store_fault, **kw)


def refused() -> None:
    raise httpx.ConnectError("[Errno 111] Connection refused")


def test_a_fault_is_retried_with_backoff_and_a_recovery_resets_the_count():
    clock = Clock()
    b = breaker(clock, failures=5, retries=2, backoff_s=0.1)
    calls = iter([refused, refused, lambda: "svar"])
    assert b.call(lambda: next(calls)(), "nere") == "svar"
    assert clock.slept == [0.1, 0.2] and b.errors == 2 and b.state == "closed"


def test_repeated_faults_open_the_circuit_and_calls_then_fail_fast():
    clock = Clock()
    b = breaker(clock, failures=3, retries=2, cooldown_s=5.0, backoff_s=0.0)
    attempts = []

    def dead():
        attempts.append(1)
        refused()

    with pytest.raises(DependencyUnavailable) as err:
        b.call(dead, "Sökindexet svarar inte")
    assert len(attempts) == 3 and b.state == "open"
    assert str(err.value) == "Sökindexet svarar inte" and err.value.dependency == "store"
    assert isinstance(err.value.__cause__, httpx.ConnectError)
    clock.now += 2.0
    with pytest.raises(DependencyUnavailable) as err:
        b.call(dead, "nere")
    assert len(attempts) == 3  # not called at all while open
    assert err.value.retry_after == 3


def test_after_the_cooldown_one_trial_call_closes_or_reopens_the_circuit():
    clock = Clock()
    b = breaker(clock, failures=1, retries=0, cooldown_s=5.0)
    with pytest.raises(DependencyUnavailable):
        b.call(refused, "nere")
    clock.now += 5.0
    assert b.state == "half-open"
    with pytest.raises(DependencyUnavailable):
        b.call(refused, "nere")  # the trial fails: open again for a whole cooldown
    assert b.state == "open" and b.retry_after() == 5
    clock.now += 5.0
    assert b.call(lambda: 42, "nere") == 42
    assert b.state == "closed" and b.errors == 2


def test_errors_of_the_request_pass_through_and_do_not_count():
    b = breaker(Clock(), failures=1)
    for exc in (NotFoundError("no such collection"), InvalidArgumentError("bad where"), KeyError("x")):
        with pytest.raises(type(exc)):
            b.call(lambda exc=exc: (_ for _ in ()).throw(exc), "nere")
    assert b.errors == 0 and b.state == "closed"


@pytest.mark.parametrize(
    ("exc", "fault"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.RemoteProtocolError("server disconnected"), True),
        (httpx.HTTPStatusError("x", request=httpx.Request("GET", "http://h"), response=httpx.Response(503)), True),
        (httpx.HTTPStatusError("x", request=httpx.Request("GET", "http://h"), response=httpx.Response(404)), False),
        (InternalError("compaction failed"), True),
        (NotFoundError("gone"), False),
        (sqlite3.OperationalError("database is locked"), True),
        (ValueError("Could not connect to a Chroma server. Are you sure it is running?"), True),
        (ValueError("one vector per paragraph expected"), False),
    ],
)
def test_store_faults_are_told_from_request_errors(exc, fault):
    assert is_store_fault(exc) is fault


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError):
        CircuitBreaker("store", failures=0)
    with pytest.raises(ValueError):
        CircuitBreaker("store", cooldown_s=0)

"""The one timer the benchmarks share: best wall time of ``repeat`` calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Shortest wall time (seconds) of ``repeat`` calls of ``fn`` — the least disturbed run."""
    best = float("inf")
    for _ in range(max(repeat, 1)):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def best_of_each(fns: list[Callable[[], Any]], repeat: int = 3) -> list[float]:
    """Shortest wall time of each of ``fns``, called in turn ``repeat`` times.

    Interleaved, so that a change of load on a shared machine reaches every function alike and
    their ratio stays fair (timed one after another, one of them may get a quiet minute).
    """
    best = [float("inf")] * len(fns)
    for _ in range(max(repeat, 1)):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def print_rows(rows: list[dict[str, Any]], width: int = 28, digits: int = 3) -> None:
    """The table the benchmarks print: name, size, our seconds, the baseline's, and their ratio."""
    print(f"{'benchmark':<{width}} {'n':>8} {'seconds':>9} {'baseline':>9} {'ratio':>7}")
    for r in rows:
        print(f"{r['benchmark']:<{width}} {r['n']:>8} {r['seconds']:>9.{digits}f} {r['baseline']:>9.{digits}f} {r['ratio']:>7.1f}")

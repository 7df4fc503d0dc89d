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

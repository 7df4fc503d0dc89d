"""Per-row reason texts of a 亩均 evaluation (what went wrong is collected by the kernel's
`tanfeng.cells.Failures`)."""

from __future__ import annotations

from typing import Any

import numpy as np


class _Notes:
    """Reason texts per row, in the order they were added."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.items: list[tuple[np.ndarray, Any]] = []

    def add(self, mask: np.ndarray, text: Any) -> None:
        if mask.any():
            self.items.append((mask, text))

    def text(self) -> np.ndarray:
        out = np.full(self.n, "", dtype=object)
        for mask, text in self.items:
            t = np.broadcast_to(np.asarray(text, dtype=object), (self.n,))
            sel = np.flatnonzero(mask)
            out[sel] = [f"{r}; {x}" if r else x for r, x in zip(out[sel], t[sel])]
        return out

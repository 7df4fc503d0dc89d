"""Per-row collection of what went wrong (failures, pandera-style) and of reason texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


class _Fails:
    """Failures collected by position; ``fatal`` marks rows that cannot be scored."""

    def __init__(self, n: int) -> None:
        self.parts: list[pd.DataFrame] = []
        self.fatal = np.zeros(n, dtype=bool)

    def add(self, mask: np.ndarray, column: str, values: Any, reason: str, message: str,
            suggestion: str = "", fatal: bool = True) -> None:
        pos = np.flatnonzero(mask)
        if not len(pos):
            return
        if isinstance(values, pd.Series):
            vals = values.iloc[pos].to_numpy(dtype=object)
        elif np.ndim(values):
            vals = np.asarray(values, dtype=object)[pos]
        else:
            vals = np.full(len(pos), values, dtype=object)
        self.parts.append(pd.DataFrame({"pos": pos, "column": column, "value": vals, "reason": reason,
                                        "message": message, "suggestion": suggestion}))
        if fatal:
            self.fatal[pos] = True

    def problems(self, n: int) -> np.ndarray:
        """'reason: message; …' per row ('' where fine), for errors='report'."""
        text = np.full(n, "", dtype=object)
        if self.parts:
            f = pd.concat(self.parts, ignore_index=True).drop_duplicates(["pos", "column", "reason"])
            joined = (f["reason"] + ": " + f["message"].astype(str)).groupby(f["pos"]).agg("; ".join)
            text[joined.index.to_numpy()] = joined.to_numpy()
        return text

    def frame(self, index: pd.Index) -> pd.DataFrame:
        cols = ["row", "column", "value", "reason", "message", "suggestion"]
        if not self.parts:
            return pd.DataFrame(columns=cols)
        f = pd.concat(self.parts, ignore_index=True)
        f = f.drop_duplicates(["pos", "column", "reason"]).sort_values(["pos", "column"], kind="stable")
        f.insert(0, "row", index.to_numpy()[f["pos"].to_numpy()])
        return f[cols].reset_index(drop=True)


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

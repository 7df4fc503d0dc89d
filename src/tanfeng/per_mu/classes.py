"""Class assignment (A–D by thresholds or by shares) and manual 调档."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures
from .scheme import ClassRule


def _largest_remainder(n: int, shares: list[float]) -> np.ndarray:
    """Whole counts from shares that add up to n (Hamilton's method)."""
    raw = np.asarray(shares, dtype=float) * n
    counts = np.floor(raw + 1e-9).astype(np.int64)
    rest = int(n - counts.sum())
    if rest > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return counts


def _classify(score: np.ndarray, scope: np.ndarray, ok: np.ndarray, rule: ClassRule) -> np.ndarray:
    """Class id per row ('' where not classified). Shares: a tie at a boundary takes the better class."""
    ids = np.array([lv.id for lv in rule.levels] + [""], dtype=object)
    idx = np.full(len(score), len(rule.levels), dtype=np.int64)
    for s in pd.unique(scope[ok]):
        m = ok & (scope == s)
        if rule.method == "shares":
            bounds = np.cumsum(_largest_remainder(int(m.sum()), rule.shares))
            r = pd.Series(score[m]).rank(ascending=False, method="min").to_numpy() - 1
            idx[m] = np.searchsorted(bounds, r, side="right")
        else:
            t = np.array([lv.min_score for lv in rule.levels[:-1]], dtype=float)
            below = score[m][:, None] < t if rule.inclusive else score[m][:, None] <= t
            idx[m] = below.sum(axis=1)
    return ids[idx]


def _adjust(adjustments: Any, df: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
            known: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions, new classes and reasons of manual 调档; bad entries raise one InputError."""
    if isinstance(adjustments, Mapping):
        items = [(k, *(v if isinstance(v, tuple | list) else (v.get("class"), v.get("reason"))))
                 for k, v in adjustments.items()]
        adj = pd.DataFrame(items, columns=["key", "class", "reason"]).set_index("key")
    else:
        adj = pd.DataFrame(adjustments).rename(
            columns={"调档后等级": "class", "调档原因": "reason", "统一社会信用代码": "credit_code"})
    if "credit_code" in adj.columns and "credit_code" in cols:
        from ..credit_code import normalize

        look = pd.Series(np.arange(len(df)), index=normalize(df[cols["credit_code"][0]]).fillna("").to_numpy())
        look = look[~look.index.duplicated()]
        keys = normalize(adj["credit_code"]).fillna("").to_numpy()
        pos = look.reindex(keys).fillna(-1).to_numpy(dtype=np.int64)
    else:
        keys = adj.index.to_numpy(dtype=object)
        pos = df.index.get_indexer(adj.index) if df.index.is_unique else np.full(len(adj), -1)
    new = adj["class"].astype("string").fillna("").to_numpy(dtype=object) if "class" in adj else np.full(len(adj), "")
    why = (adj["reason"].astype("string").fillna("").str.strip().to_numpy(dtype=object)
           if "reason" in adj else np.full(len(adj), "", dtype=object))
    f = Failures(adj.index, what="调档 adjustments")
    f.add(pos < 0, "row", keys, "adjustment_row_unknown")
    f.add(~np.isin(new, sorted(known)), "class", new, "adjustment_class_unknown", suggestion=" / ".join(sorted(known)))
    f.add(why == "", "reason", why, "adjustment_reason_missing")
    f.raise_if_any()
    return pos, new, why

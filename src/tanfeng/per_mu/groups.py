"""Who is evaluated, and in which group: 规上 / 规下 assignment and exclusions (不参评)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..cells import Failures
from .collect import _Notes
from .fields import FIELD_UNITS, _factor, message
from .inputs import _numbers
from .scheme import Assignment, Scheme

_SCALE = {"规上": "above_scale", "规模以上": "above_scale", "规上工业": "above_scale",
          "abovescale": "above_scale", "above_scale": "above_scale", "规下": "below_scale",
          "规模以下": "below_scale", "规下工业": "below_scale", "belowscale": "below_scale",
          "below_scale": "below_scale"}
_NO = {"否", "不参评", "no", "false", "0", "n", "×"}


def _groups(vals: dict[str, np.ndarray], df: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
            rule: Assignment, fails: Failures, notes: _Notes) -> np.ndarray:
    """'above_scale' / 'below_scale' per row ('' where it cannot be decided)."""
    n = len(df)
    rev = vals.get("revenue", np.full(n, np.nan)) * _factor(FIELD_UNITS["revenue"], rule.unit)
    above = rev >= rule.threshold if rule.inclusive else rev > rule.threshold
    by_rev = np.where(np.isnan(rev), "", np.where(above, "above_scale", "below_scale")).astype(object)
    group = by_rev
    if "scale" in cols:
        header = cols["scale"][0]
        raw = df[header]
        codes, uniq = pd.factorize(raw.astype("string").str.normalize("NFKC").str.replace(r"\s", "", regex=True))
        mapped = np.array([_SCALE.get(str(u).lower(), "both" if "规上" in u and "规下" in u else "?")
                           for u in uniq] + [""], dtype=object)
        by_col = mapped[np.where(codes < 0, len(uniq), codes)]
        values = raw
        fails.add(by_col == "both", header, values, "group_both")
        fails.add(by_col == "?", header, values, "scale_unknown")
        clash = np.isin(by_col, ["above_scale", "below_scale"]) & (by_rev != "") & (by_col != by_rev)
        msg = (f"{message('group_conflict')}（主营业务收入{'≥' if rule.inclusive else '>'}"
               f"{rule.threshold:g}{rule.unit}为规上）")
        if rule.conflict == "error":
            fails.add(clash, header, values, "group_conflict", msg)
        else:
            notes.add(clash, f"[group_conflict] {msg}，按{'企业规模' if rule.conflict == 'column' else '主营业务收入'}分组")
        group = np.where(by_col == "", by_rev, by_col)
        if rule.conflict != "column":  # "error": unresolved, not scored in either group
            group = np.where(clash, by_rev if rule.conflict == "revenue" else "", group)
        group = np.where(np.isin(group, ["both", "?"]), "", group)
        fails.add((group == "") & (by_col == ""), cols.get("revenue", ("revenue", None))[0], None,
                  "group_undetermined")
    else:
        fails.add(group == "", cols.get("revenue", ("revenue", None))[0], None, "group_undetermined")
    return np.asarray(group, dtype=object)


def _excluded(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], scheme: Scheme,
              notes: _Notes) -> tuple[np.ndarray, np.ndarray]:
    """(excluded 不参评 mask, class to assign or ''); the reason goes into ``notes``."""
    n = len(df)
    out = np.zeros(n, dtype=bool)
    cls = np.full(n, "", dtype=object)
    if "participate" in cols:
        p = df[cols["participate"][0]].astype("string").str.strip().str.lower().fillna("")
        no = p.isin(_NO).to_numpy()
        why = (df[cols["exclude_reason"][0]].astype("string").fillna("").to_numpy(dtype=object)
               if "exclude_reason" in cols else np.full(n, "", dtype=object))
        notes.add(no, np.array(["[not_participating] 不参评" + (f"：{w}" if w else "") for w in why], dtype=object))
        out |= no
    for ex in scheme.exclusions:
        if ex.field not in cols:
            continue
        raw = df[cols[ex.field][0]]
        if ex.field == "start":
            num, _ = _numbers(raw)
            dates = pd.to_datetime(raw.where(np.isnan(num)), errors="coerce")
            days = (pd.Timestamp(scheme.data_year, 12, 31) - dates).dt.days.to_numpy(dtype=float)
            age = np.where(np.isnan(num), days / 365.2425, scheme.data_year - num)
            hit = age < float(ex.younger_than_years or 0)
        else:
            hit = raw.astype("string").str.normalize("NFKC").str.strip().isin(ex.values).fillna(False).to_numpy(dtype=bool)
        hit &= ~out
        notes.add(hit, f"[{ex.code}] 不参评：{ex.reason}")
        cls[hit] = ex.assign_class or ""
        out |= hit
    return out, cls

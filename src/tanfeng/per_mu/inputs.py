"""Reading the enterprise table: header mapping, numbers and units, 综合能耗 on the scheme's basis."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._resources import normalize_name
from ..cells import Failures, Text, read_quantities
from ..errors import RuleError, TanfengWarning
from ..factors import normalize_basis
from .collect import _Notes
from .fields import FIELD_UNITS, FIELDS, MAY_BE_NEGATIVE, _factor, _pint_unit, message
from .scheme import Scheme

_ALIAS = {normalize_name(a): f for f, names in FIELDS.items() for a in names}
_BRACKET = re.compile(r"^(.*?)\s*[(（\[【]([^()（）]*)[)）\]】]\s*$")


def map_columns(df: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, tuple[str, str | None]]:
    """field -> (header, unit written in the header or None), through `FIELDS` (headers.csv).

    Two headers that mean one field (``实缴税金`` and ``实缴税金(元)``) are an `InputError`
    (``column_duplicate``) naming both, unless ``columns`` chooses one.
    """
    from ..units import parse_unit

    found: dict[str, tuple[str, str | None]] = {}
    twice: dict[str, list[str]] = {}
    for header in df.columns:
        h = unicodedata.normalize("NFKC", str(header)).strip()
        field, unit = _ALIAS.get(normalize_name(h)), None
        m = _BRACKET.match(h)
        if field is None and m:
            field = _ALIAS.get(normalize_name(m.group(1)))
            if field in FIELD_UNITS:
                try:
                    parse_unit(_pint_unit(m.group(2)))
                    unit = m.group(2)
                except Exception:
                    unit = None  # e.g. (吨 / 当量吨): not a unit; the default unit is used
        if field is not None and field not in found:
            found[field] = (str(header), unit)
        elif field is not None:
            twice.setdefault(field, [found[field][0]]).append(str(header))
    for field, header in (columns or {}).items():
        if header not in df.columns:
            raise KeyError(f"columns={{{field!r}: {header!r}}}: no such column in the table")
        found[field] = (header, None)
    fails = Failures(0, what="亩均评价企业表")
    for field, headers in twice.items():
        if field not in (columns or {}):  # two columns mean one field: never pick one silently
            fails.add_table(field, "column_duplicate", value=headers,
                            message=f"{message('column_duplicate')}: {field} <- {headers}")
    fails.raise_if_any()
    return found


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values read by the kernel's cell reader (negatives kept) and each cell's reason code
    (``''`` for a number or a blank)."""
    vals, reasons = read_quantities(col, negative_ok=True)
    why = np.asarray(reasons.astype(object))
    return vals, np.where(why == "quantity_missing", "", why)


def _energy_from_records(records: pd.DataFrame, firms: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
                         on: str | None, basis: str, year: int, factors: Any, errors: str,
                         fails: Failures) -> np.ndarray:
    """综合能耗 per firm (tce, scheme's basis) summed from energy records through `account`."""
    from ..accounting import account
    from ..credit_code import normalize

    rcols = map_columns(records, None)
    if on is not None:
        key_f, key_r = firms[on] if on in firms else None, records[on] if on in records else None
        if key_f is None or key_r is None:
            raise KeyError(f"on={on!r}: the column must exist in both tables")
    else:
        field = next((f for f in ("credit_code", "name") if f in cols and f in rcols), None)
        if field is None:
            raise KeyError("energy_records: no shared 统一社会信用代码 or 企业名称 column; pass on=")
        key_f, key_r = firms[cols[field][0]], records[rcols[field][0]]
    res = account(records, basis=basis, year=year, factors=factors, errors=errors, co2=False)
    kr = normalize(key_r).fillna("").to_numpy()
    kf = pd.Index(normalize(key_f).fillna("").to_numpy())
    orphan = (kr == "") | ~pd.Index(kr).isin(kf[kf != ""])
    if orphan.any():  # records that belong to no firm would vanish from every total: say so
        bad_rec = Failures(records.index, what="能源消费记录 energy_records")
        bad_rec.add(orphan, str(key_r.name), key_r, "energy_record_unmatched")
        if errors == "raise":
            raise bad_rec.error()
        warnings.warn(TanfengWarning(Text("per_mu_records_unmatched", n=int(orphan.sum()), rows=records.index[orphan][:5].tolist())),
                      stacklevel=3)
    tce = res["tce"].to_numpy(dtype=float)
    g = pd.DataFrame({"k": kr, "tce": tce, "bad": np.isnan(tce)}).groupby("k", sort=False)
    total, bad = g["tce"].sum(), g["bad"].any()
    out = np.where(kf == "", np.nan, total.reindex(kf).to_numpy(dtype=float))
    isbad = bad.reindex(kf).fillna(False).to_numpy(dtype=bool)
    fails.add(isbad, "energy_records", key_f, "energy_records_bad")
    return np.where(isbad, np.nan, out)


def _energy(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], scheme: Scheme,
            energy_basis: str | None) -> str | None:
    """Which column holds 综合能耗 on the scheme's basis (None: no energy column)."""
    want = scheme.basis
    named = {"calorific": "energy_tce_calorific", "substitution": "energy_tce_substitution"}
    if named[want] in cols:
        return named[want]
    zh = "等价值" if want == "substitution" else "当量值"
    if "energy_tce" in cols:
        if energy_basis is None:
            warnings.warn(TanfengWarning(Text("per_mu_basis_assumed", column=cols["energy_tce"][0], basis=zh, scheme=scheme.id)),
                          stacklevel=3)
            return "energy_tce"
        if normalize_basis(energy_basis) == want:
            return "energy_tce"
    other = named["calorific" if want == "substitution" else "substitution"]
    if other in cols or "energy_tce" in cols:
        raise RuleError(f"scheme {scheme.id!r} scores 单位能耗增加值 on 综合能耗({zh}); the table's energy is "
                        f"on the other basis. Give a 综合能耗({zh}) column or energy_records= to compute it.")
    return None


def _read_fields(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], energy_col: str | None,
                 units: Mapping[str, str] | None, fails: Failures, notes: _Notes) -> dict[str, np.ndarray]:
    """Numeric fields in `FIELD_UNITS`; text, infinite and (where not allowed) negative values reported."""
    vals: dict[str, np.ndarray] = {}
    for field in [f for f in FIELD_UNITS if f != "energy_tce"] + ([energy_col] if energy_col else []):
        if field not in cols:
            continue
        header, hunit = cols[field]
        base = "energy_tce" if field.startswith("energy_tce") else field
        v, why = _numbers(df[header])
        with np.errstate(over="ignore"):
            v = v * _factor((units or {}).get(base) or hunit or FIELD_UNITS[base], FIELD_UNITS[base])
        raw = df[header]
        fails.add(why != "", header, raw, why)
        over = np.isinf(v)
        fails.add(over, header, raw, "quantity_overflow")
        v = np.where(over, np.nan, v)
        neg = v < 0
        if base in MAY_BE_NEGATIVE:
            notes.add(neg, f"[{base}_negative] {message(f'{base}_negative')}")
        else:
            fails.add(neg, header, raw, "quantity_negative")
            v = np.where(neg, np.nan, v)
        vals[base] = v
    return vals


#: The former private name (used inside ``per_mu``).
_map_columns = map_columns

"""“两高” project screening: :func:`screen_two_high`."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from .. import industries
from ..cells import Failures, Text
from ..defaults import DEFAULT_REGION
from ..errors import InputError, TanfengWarning
from ._input import (
    _S,
    _cat,
    _electricity_kwh,
    _energy_from_records,
    _find_columns,
    _fmt,
    _fmt_num,
    _gather,
    _half_up,
    _input_error_zh,
    _missing_column,
    _read_numeric,
    _sentence,
    _years,
)
from .rules import DEFAULT_RULES, YEAR_RANGE, TwoHighRules, _as_ruleset

__all__ = ["screen_two_high"]

#: The decisions of `screen_two_high`, in the order they are tested; and the flag each gives.
_DECISIONS = ("input_error", "sector_not_two_high", "below_threshold_any_sector", "industry_code_missing",
              "industry_code_too_coarse", "energy_missing", "meets_threshold", "below_threshold",
              "meets_upper_threshold_year_unknown", "below_lower_threshold_year_unknown", "built_year_missing")
_DECISION_FLAG = np.array([-1, 0, 0, -1, -1, -1, 1, 0, 1, 0, -1])


def screen_two_high(
    projects: pd.DataFrame,
    rules: TwoHighRules | str | Path | Mapping[str, Any] = DEFAULT_RULES,
    *,
    date_field: str = "built_year",
    records: pd.DataFrame | None = None,
    on: str | Sequence[str] | None = None,
    year: int | None = None,
    region: str | None = DEFAULT_REGION,
    substitution_factor: float | None = None,
    columns: Mapping[str, str] | None = None,
    errors: Literal["raise", "report"] = "raise",
) -> pd.DataFrame:
    """Flag “两高” projects, with a Chinese reason an official can paste on every row.

    Parameters
    ----------
    projects : DataFrame
        One row per project or enterprise: ``industry_code`` (GB/T 4754-2017 in any spelling:
        ``2614``, ``C2614``, ``"2614 有机化学原料制造"``, a division ``26``), the build year or
        date (column ``date_field``), and ``energy_tce`` (annual 综合能耗 at the rule's electricity
        basis) unless ``records`` is given. Optional: ``energy_increment_tce`` (改扩建: the
        increase after completion), ``energy_tce_substitution`` / ``energy_tce_calorific`` (the
        screened energy at the other basis) or ``electricity_kwh`` / ``electricity_10k_kwh`` (the
        electricity in it), for the basis-sensitivity check. Chinese headers are understood
        (`COLUMN_ALIASES`).
    rules : TwoHighRules, str, Path or dict
        A shipped rule set id (``"zhuji-2021"``), a sector preset (``"mee-2021"``: that preset on
        the default rule set), a TOML path, a dict, or a `TwoHighRules`.
    date_field : str
        Column that fixes “建设” (建成/投产/批复 year or date — the plan leaves it open).
    records : DataFrame, optional
        Energy records (``carrier``, ``quantity``, ``unit`` + the ``on`` id column); they are
        converted with `tanfeng.account` at both bases and summed per project.
    on : str or list of str, optional
        Id column(s) joining ``records`` to ``projects``.
    year, region : optional
        Data year (factors) and region passed to `account`; ``year`` also picks the 等价值
        electricity factor for the sensitivity check.
    substitution_factor : float, optional
        等价值 of electricity in kgce/kWh (e.g. 0.300) when using an electricity column;
        default: the factor set's value for ``year``.
    columns : mapping, optional
        Field -> your header, e.g. ``{"energy_tce": "2022年综合能耗"}``.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad row (unknown or malformed codes, text
        energies, unreadable years). ``"report"``: those rows get NA with the reason and a
        ``problem`` column. Missing values are never errors: they give NA with a reason.

    Returns
    -------
    DataFrame
        The input rows (same order and index) plus ``two_high`` (boolean: True / False / NA),
        ``reason_code``, ``reason``, ``sector``, ``matched_code``, ``threshold_tce``,
        ``screened_tce`` (the energy compared, rounded to the rule's precision), ``margin_tce``
        (screened − threshold), ``energy_measure`` (``total`` / ``increment``), ``basis`` and
        ``basis_sensitive`` (True where electricity at the other basis would flip the flag; NA
        where unknown). ``.attrs["tanfeng"]`` records the rule set and its sources.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"行业代码": ["2614", "3011", "1713"], "建成年份": [2018, 2015, None],
    ...                   "年综合能耗": [1500, 5000, 3000]})
    >>> r = screen_two_high(p)
    >>> r["two_high"].tolist(), r["reason_code"].tolist()[2]
    ([True, True, <NA>], 'built_year_missing')
    """
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    if not isinstance(projects, pd.DataFrame):
        raise TypeError(f"screen_two_high() takes a pandas DataFrame, got {type(projects).__name__}")
    rs = _as_ruleset(rules)
    p = _read_projects(projects, rs, columns=columns, date_field=date_field, records=records, on=on, year=year,
                       region=region, errors=errors)
    index, fails, cols = projects.index, p.fails, p.cols

    use_inc = (rs.expansion == "increment") & ~np.isnan(p.e_inc)
    energy = np.where(use_inc, p.e_inc, p.e_total)
    e_alt = _alternative_energy(rs, energy, use_inc, p.e_alt_given, p.e_alt_records, p.kwh, year, substitution_factor)

    er, era, d, flag, thr, rc, alt_flag, sens = _decide(rs, p.st, p.years, energy, e_alt, fails)
    bad = fails.bad
    st_in = p.st == 1

    out = projects.copy(deep=False)
    if records is not None and "energy_tce" not in cols:
        out["energy_tce"] = p.e_total
    out["two_high"] = _boolean(flag, index)
    out["reason_code"] = pd.Series(rc, index=index, dtype=object)
    out["reason"] = _two_high_reasons(rs, d, p.years, er, thr, p.per_code, p.uinv, use_inc, p.e_inc, sens, era,
                                      alt_flag, fails, index)
    out["sector"] = pd.Series(np.where(st_in & ~bad, p.sector, None), index=index, dtype=object)
    out["matched_code"] = pd.Series(np.where(st_in & ~bad, p.matched, None), index=index, dtype=object)
    out["threshold_tce"] = thr
    out["screened_tce"] = np.where(bad, np.nan, er)
    out["margin_tce"] = _half_up(np.where(bad, np.nan, er) - thr, rs.precision)
    out["energy_measure"] = pd.Series(np.where(use_inc, "increment", "total"), index=index, dtype=object)
    out["basis"] = rs.basis_zh
    out["basis_sensitive"] = _boolean(sens, index)
    if errors == "report":
        out["problem"] = fails.problem_text()
    nflip = _warn_basis_flips(sens, index, rs.electricity_basis)
    out.attrs = dict(projects.attrs)
    out.attrs["tanfeng"] = _provenance(rs, p, rows_with_problems=int(bad.sum()), basis_sensitive_rows=nflip)
    return out


def _provenance(rs: TwoHighRules, p: _Projects, *, rows_with_problems: int, basis_sensitive_rows: int) -> dict[str, Any]:
    """``.attrs["tanfeng"]`` of the result: the rule set and its sources, the date column, the
    problem and basis-sensitive row counts, and the factor set used for ``records``."""
    return {
        "rules": rs.id, "rules_version": rs.version, "preset": rs.sectors.id, "sources": sorted(rs.sources),
        "cutoff_year": rs.cutoff_year, "thresholds_tce": [rs.threshold_before_cutoff_tce, rs.threshold_from_cutoff_tce],
        "inclusive": rs.inclusive, "precision": rs.precision, "basis": rs.electricity_basis,
        "expansion": rs.expansion, "date_field": p.date_col, "rows_with_problems": rows_with_problems,
        "basis_sensitive_rows": basis_sensitive_rows,
        **({"factor_set": p.acc_attrs.get("factor_set"), "account": p.acc_attrs} if p.acc_attrs else {}),
    }


class _Projects(NamedTuple):
    """The projects table read and checked by `_read_projects`: columns found, failures, the
    industry classification (per distinct code, ``uinv`` maps rows to codes), years and energies."""

    cols: dict[str, str]
    date_col: str
    fails: Failures
    st: np.ndarray
    sector: Any  # object arrays (sector name, matched code) per row; None is placed in them
    matched: Any
    per_code: pd.DataFrame
    uinv: np.ndarray
    years: np.ndarray
    e_total: np.ndarray
    e_inc: np.ndarray
    e_alt_given: np.ndarray
    kwh: np.ndarray
    e_alt_records: np.ndarray
    acc_attrs: dict[str, Any]


def _read_projects(projects: pd.DataFrame, rs: TwoHighRules, *, columns: Mapping[str, str] | None, date_field: str,
                   records: pd.DataFrame | None, on: str | Sequence[str] | None, year: int | None,
                   region: str | None, errors: Literal["raise", "report"]) -> _Projects:
    """Find the columns, read industry codes, build years and energies (and ``records``); every
    bad cell goes to the failures, raised at once as `InputError` when ``errors="raise"``."""
    fields = ["industry_code", "energy_tce", "energy_increment_tce", "energy_tce_substitution",
              "energy_tce_calorific", "electricity_kwh", "electricity_10k_kwh"]
    cols = _find_columns(projects, columns, fields)
    date_col = date_field if date_field in projects.columns else _find_columns(projects, None, ["built_year"]).get("built_year")
    if date_field != "built_year" and date_field not in projects.columns:
        raise _missing_column([date_field], "projects table")
    need = [f for f in ("industry_code",) if f not in cols]
    if records is None and "energy_tce" not in cols and "energy_increment_tce" not in cols:
        need.append("energy_tce")
    if date_col is None:
        need.append(date_field)
    if need or date_col is None:
        raise _missing_column(need, "projects table")

    n, index = len(projects), projects.index
    fails = Failures(index, what="input table")
    main, alt = rs.electricity_basis, "substitution" if rs.electricity_basis == "calorific" else "calorific"

    # --- industry codes
    parsed = industries.normalize(projects[cols["industry_code"]])
    reason = parsed["reason"].to_numpy(dtype=object)
    bad_code = (reason != "") & (reason != "industry_code_missing")
    fails.add(bad_code, cols["industry_code"], projects[cols["industry_code"]].to_numpy(dtype=object),
              reason, parsed["message"].to_numpy(dtype=object), parsed["suggestion"].to_numpy(dtype=object))
    uinv, uniq = pd.factorize(parsed["code"], use_na_sentinel=True)
    ucodes = np.array([*uniq, ""], dtype=object)
    uinv = np.where(uinv < 0, len(uniq), uinv)
    cls = rs.sectors.classify([c or None for c in ucodes])
    st = cls["status"].map({"in": 1, "out": 2, "coarse": 3}).fillna(0).to_numpy(dtype=np.int8)[uinv]
    sector = cls["sector"].to_numpy(dtype=object)[uinv]
    matched = cls["matched_code"].to_numpy(dtype=object)[uinv]
    per_code = _per_code_text(rs, ucodes, cls)

    # --- build years
    years, y_invalid, y_out = _years(projects[date_col])
    yraw = projects[date_col].to_numpy(dtype=object)
    fails.add(y_invalid, date_col, yraw, "built_year_invalid", "建成时间无法识别", "写成年份（2019）或日期（2019-05-01）")
    fails.add(y_out, date_col, yraw, "built_year_out_of_range", f"年份不在{YEAR_RANGE[0]}–{YEAR_RANGE[1]}之间",
              "核对建成年份")

    # --- energies
    e_total = _read_numeric(projects, cols.get("energy_tce"), fails)
    e_inc = _read_numeric(projects, cols.get("energy_increment_tce"), fails)
    alt_col = cols.get(f"energy_tce_{alt}")
    e_alt_given = _read_numeric(projects, alt_col, fails)
    kwh = _read_numeric(projects, cols.get("electricity_kwh"), fails)
    if "electricity_10k_kwh" in cols:
        kwh = np.where(np.isnan(kwh), _read_numeric(projects, cols["electricity_10k_kwh"], fails) * 1e4, kwh)
    elif "electricity_kwh" not in cols:
        kwh = _electricity_kwh(projects, columns, fails)
    acc_attrs: dict[str, Any] = {}
    e_alt_records = np.full(n, np.nan)
    if records is not None:
        tot = _energy_from_records(records, on, projects, year=year, region=region, co2=False, errors=errors)
        acc_attrs = dict(tot.attrs.get("tanfeng", {}))
        from_rec = tot[f"tce_{main}"].to_numpy(dtype=float)
        e_total = np.where(np.isnan(e_total), from_rec, e_total) if "energy_tce" in cols else from_rec
        e_alt_records = tot[f"tce_{alt}"].to_numpy(dtype=float)
    failures = fails.frame()
    if len(failures) and errors == "raise":
        raise InputError(failures, "projects table")
    return _Projects(cols, date_col, fails, st, sector, matched, per_code, uinv, years, e_total, e_inc, e_alt_given,
                     kwh, e_alt_records, acc_attrs)


def _warn_basis_flips(sens: np.ndarray, index: pd.Index, main: str) -> int:
    """Warn (once) how many projects would change flag on the other electricity basis."""
    nflip = int((sens == 1).sum())
    if nflip:
        rows = list(index[sens == 1][:10])
        warnings.warn(TanfengWarning(Text("two_high_basis_flips", n=nflip, other="等价值" if main == "calorific" else "当量值",
                           rows=rows)), stacklevel=3)
    return nflip


def _decide(rs: TwoHighRules, st: np.ndarray, years: np.ndarray, energy: np.ndarray, e_alt: np.ndarray,
            fails: Failures) -> tuple[np.ndarray, ...]:
    """The decision per row (index into `_DECISIONS`) with its flag, threshold and reason code, and
    the same decision on the other electricity basis (``sens`` 1: the flag would change)."""
    er = _half_up(energy, rs.precision)
    lo, hi = rs.thresholds
    y_known = ~np.isnan(years)
    t_row = np.where(years >= rs.cutoff_year, rs.threshold_from_cutoff_tce, rs.threshold_before_cutoff_tce)
    t_row = np.where(y_known, t_row, np.nan)
    t_app = np.where(y_known, t_row, lo)

    def meets(x: np.ndarray, t: np.ndarray | float) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (x >= t) if rs.inclusive else (x > t)

    e_known = ~np.isnan(er)
    bad = fails.bad
    st_in, st_out, st_coarse = st == 1, st == 2, st == 3
    no_code = (st == 0) & ~bad
    conds = [
        bad,
        st_out,
        (no_code | st_coarse) & e_known & ~meets(er, t_app),
        no_code,
        st_coarse,
        ~e_known,
        y_known & meets(er, t_row),
        y_known,
        meets(er, hi),
        ~meets(er, lo),
    ]
    d = np.select(conds, np.arange(len(conds)), default=len(conds))  # index into _DECISIONS
    flag = _DECISION_FLAG[d]
    thr = np.select([(d == 6) | (d == 7), d == 2, d == 8, d == 9], [t_row, t_app, hi, lo], default=np.nan)
    rc = np.array(_DECISIONS, dtype=object)[d]
    if bad.any():
        rc[bad] = fails.first_reasons()[bad]

    # --- basis sensitivity: the same decision on the other basis, for in-sector rows
    era = _half_up(e_alt, rs.precision)
    alt_flag = np.where(y_known, meets(era, t_row).astype(int),
                        np.where(meets(era, hi), 1, np.where(~meets(era, lo), 0, -1)))
    alt_flag = np.where(np.isnan(era) | ~st_in, -1, alt_flag)
    sens = np.where(flag < 0, -1, np.where(d == 1, 0,
                                           np.where(alt_flag < 0, -1, (alt_flag != flag).astype(int))))
    return er, era, d, flag, thr, rc, alt_flag, sens


def _boolean(v: np.ndarray, index: pd.Index) -> pd.Series:
    arr = pd.array(v == 1, dtype="boolean")
    arr[v < 0] = pd.NA
    return pd.Series(arr, index=index)


def _alternative_energy(rs: TwoHighRules, energy: np.ndarray, use_inc: np.ndarray, given: np.ndarray,
                        from_records: np.ndarray, kwh: np.ndarray, year: int | None,
                        factor: float | None) -> np.ndarray:
    """The screened energy at the other electricity basis, where it can be known."""
    alt = np.where(~np.isnan(given), given, np.where(use_inc, np.nan, from_records))
    if np.isnan(kwh).all():
        return alt
    from ..accounting import to_tce

    cal = float(to_tce(1.0, "kWh", "电力", basis="当量值").m) * 1000.0   # kgce/kWh
    if factor is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            factor = float(to_tce(1.0, "kWh", "电力", basis="等价值", year=year).m) * 1000.0
    delta = kwh * (factor - cal) / 1000.0                                # tce
    shifted = energy + delta if rs.electricity_basis == "calorific" else energy - delta
    return np.where(np.isnan(alt), shifted, alt)


def _two_high_reasons(rs: TwoHighRules, d: np.ndarray, years: np.ndarray, er: np.ndarray, thr: np.ndarray,
                      per_code: pd.DataFrame, uinv: np.ndarray, use_inc: np.ndarray, e_inc: np.ndarray,
                      sens: np.ndarray, era: np.ndarray, alt_flag: np.ndarray, fails: Failures,
                      index: pd.Index) -> pd.Series:
    """The Chinese sentence of every row. Each template is filled for its own rows with numpy
    string ufuncs; per-code and per-year pieces are built once per distinct value."""
    n = len(d)
    cut = rs.cutoff_year
    lo, hi = rs.thresholds
    text = np.full(n, "", dtype=_S)
    ylab = {float(y): str(Text("two_high_built_before", year=int(y), cutoff=cut) if y < cut
                           else Text("two_high_built", year=int(y)))
            for y in np.unique(years[~np.isnan(years)])}
    ypart = np.where(np.isnan(years), str(Text("two_high_built_unknown")), _gather(ylab, years)).astype(_S)
    tag = per_code["tag"].to_numpy(dtype=_S)[uinv]
    s_lo, s_hi = _fmt_num(lo), _fmt_num(hi)

    def fill(code_: str, build: Any) -> None:
        m = np.flatnonzero(d == _DECISIONS.index(code_))
        if len(m):
            text[m] = build(m)

    def energy(m: np.ndarray) -> np.ndarray:
        added = _sentence("two_high_energy_added", built=ypart[m], energy=_fmt(er[m], rs.precision))
        whole = _sentence("two_high_energy", built=ypart[m], energy=_fmt(er[m], rs.precision))
        return np.where(use_inc[m], added, whole)

    def t(m: np.ndarray) -> np.ndarray:
        return _gather({float(x): _fmt_num(float(x)) for x in np.unique(thr[m])}, thr[m])

    fill("meets_threshold", lambda m: _sentence("two_high_meets", energy=energy(m), threshold=t(m), tag=tag[m]))
    fill("below_threshold", lambda m: _sentence("two_high_below", energy=energy(m), threshold=t(m), tag=tag[m]))
    fill("meets_upper_threshold_year_unknown",
         lambda m: _sentence("two_high_meets_upper", energy=energy(m), high=s_hi, tag=tag[m]))
    fill("below_lower_threshold_year_unknown",
         lambda m: _sentence("two_high_below_lower", energy=energy(m), low=s_lo, tag=tag[m]))
    fill("built_year_missing", lambda m: _sentence("two_high_between", energy=energy(m), low=s_lo, high=s_hi,
                                                   cutoff=str(cut), tag=tag[m]))
    fill("energy_missing", lambda m: _sentence("two_high_no_energy", built=ypart[m], tag=tag[m]))
    fill("sector_not_two_high", lambda m: per_code["out_text"].to_numpy(dtype=_S)[uinv[m]])
    fill("below_threshold_any_sector", lambda m: _sentence(
        "two_high_below_any", energy=energy(m), threshold=t(m), short=per_code["short"].to_numpy(dtype=_S)[uinv[m]]))
    fill("industry_code_missing", lambda m: _sentence("two_high_no_code"))
    fill("industry_code_too_coarse", lambda m: per_code["coarse_text"].to_numpy(dtype=_S)[uinv[m]])
    if fails.bad.any():  # input errors: few rows, one sentence each
        for p, r in fails.first_rows().iterrows():
            text[p] = _input_error_zh(str(r["reason"]), r["value"], str(r["suggestion"]), str(r["column"]))
    decided = ~fails.bad & np.isin(d, [_DECISIONS.index(k) for k in (
        "meets_threshold", "below_threshold", "built_year_missing", "meets_upper_threshold_year_unknown",
        "below_lower_threshold_year_unknown", "below_threshold_any_sector")])
    m = np.flatnonzero(use_inc & decided)
    if len(m):
        text[m] = _cat(text[m], _sentence("two_high_increment_note"))
    if rs.expansion == "total":
        m = np.flatnonzero(~np.isnan(e_inc) & ~fails.bad)
        text[m] = _cat(text[m], _sentence("two_high_total_note", added=_fmt(e_inc[m], rs.precision)))
    m = np.flatnonzero(sens == 1)
    if len(m):
        other = "等价值" if rs.electricity_basis == "calorific" else "当量值"
        flip = np.where(alt_flag[m] == 1, str(Text("screening_listed")), str(Text("screening_not_listed")))
        text[m] = _cat(text[m], _sentence("two_high_flip_note", other=other, alt=_fmt(era[m], rs.precision), flip=flip,
                                          basis=rs.basis_zh))
    return pd.Series(text.astype(object), index=index, dtype=object)


def _per_code_text(rs: TwoHighRules, ucodes: np.ndarray, cls: pd.DataFrame) -> pd.DataFrame:
    """Reason fragments of each distinct code (built once per code, not per row)."""
    names = industries.table()["name_zh"].to_dict()
    rows = []
    for c, (status, sector, _, detail) in zip(ucodes, cls.itertuples(index=False)):
        nm = names.get(c, "未列入代码表") if c else ""
        lv = str(Text(f"two_high_level_{len(c)}")) if c and 2 <= len(c) <= 4 else ""
        rows.append({
            "tag": str(Text("two_high_tag", sector=sector, code=c)) if status == "in" else "",
            "out_text": str(Text("two_high_out_of_scope", code=c, name=nm, scope=rs.sectors.title)),
            "coarse_text": str(Text("two_high_code_coarse", code=c, name=nm, level=lv, detail=detail)),
            "short": str(Text("two_high_code_short", code=c, level=lv)) if status == "coarse" else str(Text("two_high_code_absent")),
        })
    return pd.DataFrame(rows, columns=["tag", "out_text", "coarse_text", "short"])

"""Indicator values and points per firm, and :func:`evaluate`: scores, ranks and classes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..cells import Failures
from ..errors import RuleError
from ..factors import FactorSet
from .classes import _adjust, _classify
from .collect import _Notes
from .fields import FIELD_UNITS, GROUP_ZH, _factor, message
from .groups import _excluded, _groups
from .inputs import _energy, _energy_from_records, _map_columns, _read_fields
from .scheme import ClassRule, Scheme, load_class_rule, load_scheme


def _score(sch: Scheme, vals: dict[str, np.ndarray], df: pd.DataFrame, cols: dict[str, tuple[str, str | None]],
           group: np.ndarray, rows_in: np.ndarray, fails: Failures, notes: _Notes
           ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Indicator values and points per row; benchmarks used; fill-in scores for missing data."""
    n = len(df)
    nan = np.full(n, np.nan)
    value: dict[str, np.ndarray] = {}
    points: dict[str, np.ndarray] = {}
    plan = []
    for g in sch.groups:
        rows = rows_in & (group == g.id)
        for ind in g.indicators:
            num, den = vals.get(ind.numerator, nan), vals.get(ind.denominator, nan)
            k = _factor(f"({FIELD_UNITS[ind.numerator]})/({FIELD_UNITS[ind.denominator]})", ind.unit or "1")
            missing = rows & (np.isnan(num) | np.isnan(den))
            zero = rows & (den == 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                value[ind.id] = np.where(rows & ~zero, num / den * k, value.get(ind.id, nan))
            for fld, arr in ((ind.numerator, num), (ind.denominator, den)):
                header = cols.get(fld, (fld, None))[0]
                raw = df[header] if header in df else None
                if ind.missing == "error":
                    fails.add(missing & np.isnan(arr), header, raw, f"{fld}_missing",
                              f"{message(f'{fld}_missing')}（{GROUP_ZH[g.id]} {ind.name}）")
            header = cols.get(ind.denominator, (ind.denominator, None))[0]
            fails.add(zero, header, df[header] if header in df else 0,
                      f"{ind.denominator}_zero", f"{message(f'{ind.denominator}_zero')}（{ind.name}）")
            plan.append((g, ind, rows, missing, k))
    benchmarks: dict[str, dict[str, float]] = {}
    means: dict[str, dict[str, float]] = {}
    for g, ind, rows, missing, k in plan:
        clean = rows & ~missing & ~fails.bad
        if ind.benchmark == "aggregate":  # Σ numerator / Σ denominator over the group's clean firms
            bm = float(vals[ind.numerator][clean].sum() / vals[ind.denominator][clean].sum() * k) if clean.any() else np.nan
            if bm <= 0:
                raise RuleError(f"{GROUP_ZH[g.id]} {ind.name}: benchmark 'aggregate' is {bm:g}, not positive")
        else:
            bm = float(ind.benchmark)
        benchmarks.setdefault(g.id, {})[ind.id] = bm
        ratio = value[ind.id] / bm
        if ind.min_ratio is not None or ind.max_ratio is not None:
            ratio = np.clip(ratio, ind.min_ratio, ind.max_ratio)
        pts = np.where(rows & ~missing, ind.weight * ratio, points.get(ind.id, nan))
        if ind.missing != "error" and missing.any():
            fill = 0.0 if ind.missing == "zero" else (float(pts[clean].mean()) if clean.any() else np.nan)
            means.setdefault(g.id, {})[ind.id] = fill
            pts = np.where(missing, fill, pts)
            if np.isnan(fill):
                fails.add(missing, ind.id, None, "group_mean_undefined", f"{ind.name}：{message('group_mean_undefined')}")
            elif ind.missing == "group_mean":
                notes.add(missing, f"[missing_group_mean] {ind.name}缺数据，按{GROUP_ZH[g.id]}组平均分 {fill:.4g} 计")
            else:
                notes.add(missing, f"[missing_zero] {ind.name}缺数据，按0分计")
        points[ind.id] = pts
    return value, points, benchmarks, means


def _field_values(df: pd.DataFrame, cols: dict[str, tuple[str, str | None]], sch: Scheme, energy_basis: str | None,
                  energy_records: pd.DataFrame | None, on: str | None, year: int | None, factors: Any,
                  units: Mapping[str, str] | None, errors: str, fails: Failures, notes: _Notes
                  ) -> tuple[dict[str, np.ndarray], str | None]:
    """The firms' numeric fields, 综合能耗 from a column or from energy records; the energy column used.

    Bad cells (and bad 统一社会信用代码, which do not stop a row being scored) go into ``fails``.
    """
    needed = {f for g in sch.groups for i in g.indicators for f in (i.numerator, i.denominator)}
    if energy_records is not None and any(f.startswith("energy_tce") for f in cols):
        raise ValueError("give 综合能耗 either as a column or as energy_records=, not both")
    energy_col = _energy(df, cols, sch, energy_basis) if "energy_tce" in needed and energy_records is None else None
    vals = _read_fields(df, cols, energy_col, units, fails, notes)
    if energy_records is not None:
        vals["energy_tce"] = _energy_from_records(energy_records, df, cols, on, sch.basis,
                                                  year or sch.data_year, factors, errors, fails)
        cols["energy_tce"] = ("energy_records", None)
    if "credit_code" in cols:
        from ..credit_code import add_failures as code_failures

        code_failures(fails, df[cols["credit_code"][0]], cols["credit_code"][0], fatal=False)  # the row can be scored
    return vals, energy_col


def _scored_frame(df: pd.DataFrame, sch: Scheme, rule: ClassRule | None, cols: dict[str, tuple[str, str | None]],
                  group: np.ndarray, evaluated: np.ndarray, scored: np.ndarray, ex_class: np.ndarray,
                  value: dict[str, np.ndarray], points: dict[str, np.ndarray], adjustments: Any,
                  notes: _Notes) -> pd.DataFrame:
    """A copy of ``df`` with group, indicator values and scores, total, rank, classes and reasons."""
    n = len(df)
    total = np.full(n, np.nan)
    for g in sch.groups:
        m = scored & (group == g.id)
        total[m] = np.sum([points[i.id][m] for i in g.indicators], axis=0)
    rank = pd.Series(total).groupby(group).rank(ascending=False, method="min").to_numpy()
    labels = rule.labels if rule is not None else {}
    initial = np.full(n, "", dtype=object)
    if rule is not None:
        scope = group if rule.within == "group" else np.zeros(n, dtype=object)
        initial = _classify(total, scope, scored, rule)
    initial = np.where(ex_class != "", ex_class, initial)
    final = initial.copy()
    if adjustments is not None:
        pos, new, why = _adjust(adjustments, df, cols, set(labels) | set(ex_class[ex_class != ""]))
        adj, text = np.zeros(n, dtype=bool), np.full(n, "", dtype=object)
        adj[pos] = True
        text[pos] = [f"[adjusted] 调档 {initial[p] or '—'}→{c}：{w}" for p, c, w in zip(pos, new, why)]
        final[pos] = new
        notes.add(adj, text)

    out = df.copy()
    out["group"] = pd.Categorical(group, categories=["above_scale", "below_scale"])
    out["evaluated"] = evaluated
    for i in value:
        out[i] = value[i]
        out[f"{i}_score"] = np.where(scored, points[i], np.nan)
    out["score"] = total
    out["rank"] = rank
    order = pd.Index(list(dict.fromkeys([*labels, *ex_class[ex_class != ""]])), dtype=object)
    out["class_initial"] = pd.Categorical.from_codes(order.get_indexer(initial), categories=order, ordered=True)
    out["class"] = pd.Categorical.from_codes(order.get_indexer(final), categories=order, ordered=True)
    out["class_name"] = pd.Categorical.from_codes(
        order.get_indexer(final), categories=pd.Index([labels.get(c) or c for c in order], dtype=object))
    out["reason"] = notes.text()
    return out


def evaluate(
    enterprises: pd.DataFrame,
    scheme: str | Path | Scheme | Mapping[str, Any] = "huangyan-2022",
    *,
    classes: str | Path | ClassRule | Mapping[str, Any] | None = None,
    energy_records: pd.DataFrame | None = None,
    on: str | None = None,
    energy_basis: str | None = None,
    year: int | None = None,
    factors: Any = None,
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    adjustments: Any = None,
    errors: Literal["raise", "report"] = "raise",
) -> pd.DataFrame:
    """Score and class enterprises by a county's 亩均 scheme; the same rows, in the same order.

    Parameters
    ----------
    enterprises : DataFrame
        One row per firm. Headers in Chinese or English (see `FIELDS`): 实缴税金, 用地面积,
        工业增加值, 综合能耗 (or 综合能耗(等价值)), 排放量, 年平均职工人数, R&D经费支出,
        主营业务收入, 用电量; optional 企业规模 (规上/规下), 统一社会信用代码, 所属乡镇, 投产日期,
        企业类型, 参评 / 不参评原因. Units default to `FIELD_UNITS` (万元, 亩, tce, t, 人, 万kWh);
        a header may state its own (``实缴税金(元)``), or pass ``units={"tax": "元"}``.
    scheme : str, path, Scheme or mapping
        ``"huangyan-2022"`` (default), another shipped name (`list_schemes`), or your own TOML.
    classes : optional
        A class rule replacing the scheme's (e.g. ``"tiantai-2022-classes"``). Without any, no
        class is given (the ``class`` column stays empty): 黄岩's text states none.
    energy_records : DataFrame, optional
        Energy records (能源品种, 消费量, 计量单位 + a firm key), accounted with
        `tanfeng.accounting.account` on the scheme's basis for ``year`` and summed per firm.
    on : str, optional
        Key column in both tables (default: 统一社会信用代码, else 企业名称).
    energy_basis : {"当量值", "等价值"}, optional
        Basis of a 综合能耗 column whose header does not say it. Without it the scheme's basis
        is assumed, with a `TanfengWarning`; a different basis raises `RuleError`.
    year : int, optional
        Data year for energy factors; default the scheme's ``data_year``.
    factors : FactorSet, optional
        Passed to `account` (e.g. a provincial 等价值 factor added with ``override``).
    units, columns : mapping, optional
        ``{"tax": "元"}``: unit of a field; ``{"tax": "我的税收列"}``: its header.
    adjustments : mapping or DataFrame, optional
        Manual 调档: ``{row label: ("B", "reason")}`` or a frame with ``class`` and ``reason``
        (调档后等级, 调档原因) indexed by row label or with a ``credit_code`` column. The reason
        is required and written into ``reason``; ``class_initial`` keeps the computed class.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad row. ``"report"``: rows are kept with a
        ``problem`` text; a row that cannot be scored gets no score, rank or class.

    Returns
    -------
    DataFrame
        The input plus ``group`` (above_scale / below_scale), ``evaluated`` (参评), each
        indicator's value and ``<indicator>_score``, ``score``, ``rank`` (1 = best, within the
        group), ``class_initial`` (初评等级), ``class`` (after 调档), ``class_name`` and
        ``reason``. Input columns of these names are replaced. ``attrs["tanfeng"]`` records the
        scheme, the benchmarks used and the fill-in scores for missing data.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"实缴税金": [11.5932, 23.1864], "用地面积": [1.0, 1.0],
    ...                       "用电量": [49.29, 98.58], "企业规模": ["规下", "规下"]})
    >>> # 11.5932/1/11.5932×50 + (11.5932/49.29)/0.2352×50 = 50 + 50.0 (49.29 万kWh ≈ at C2)
    >>> evaluate(firms)["score"].round(2).tolist()   # at both benchmarks; twice the 亩均税收
    [100.0, 150.0]
    """
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    sch = load_scheme(scheme)
    rule = load_class_rule(classes) if classes is not None else sch.classes
    df = enterprises
    n = len(df)
    fails, notes = Failures(df.index, what="亩均评价企业表"), _Notes(n)
    cols = _map_columns(df, columns)

    vals, energy_col = _field_values(df, cols, sch, energy_basis, energy_records, on, year, factors, units,
                                     errors, fails, notes)

    group = _groups(vals, df, cols, sch.assignment, fails, notes)
    excluded, ex_class = _excluded(df, cols, sch, notes)
    in_scheme = np.isin(group, [g.id for g in sch.groups])
    notes.add((group != "") & ~in_scheme, "[group_not_in_scheme] " + message("group_not_in_scheme"))
    evaluated = ~excluded & ((group == "") | in_scheme)
    value, points, benchmarks, means = _score(sch, vals, df, cols, group, evaluated & in_scheme, fails, notes)

    fails.raise_if_any(errors)
    scored = evaluated & in_scheme & ~fails.bad
    out = _scored_frame(df, sch, rule, cols, group, evaluated, scored, ex_class, value, points, adjustments, notes)
    if errors == "report":
        out["problem"] = fails.problem_text().to_numpy()
    out.attrs = dict(df.attrs)
    out.attrs["tanfeng"] = {
        "scheme": sch.id, "scheme_version": sch.version, "scheme_source": sch.source.url or sch.source.title,
        "class_rule": (rule.id or f"{sch.id} classes") if rule is not None else None,
        "class_rule_version": rule.version if rule is not None else None,
        "energy_basis": sch.energy_basis,
        # the factor set that accounted energy_records, beside the scheme's version
        "factor_set": (factors if factors is not None else FactorSet.default()).version
        if energy_records is not None else None,
        "energy_column": cols["energy_tce"][0] if energy_records is not None else (cols[energy_col][0] if energy_col else None),
        "benchmarks": benchmarks, "missing_fill": means, "columns": {f: c for f, (c, _) in cols.items()},
        "errors": errors, "rows_with_problems": int((evaluated & in_scheme & fails.bad).sum()),
    }
    return out

"""`check`: does a project's swap plan add up, and is every retired source eligible?"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from typing_extensions import Unpack

from ..cells import REASONS, Failures, Text, say
from ..errors import RuleError
from .eligibility import TOL, Evaluation, LineInfo, evaluate
from .models import Finding, LineResult, Project, SwapCheck
from .rules import SwapRules
from .sources import read_sources

__all__ = ["DEFAULT_ENERGY_RATIO", "SwapOptions", "check"]

#: Least energy substitution the 诸暨 plan allows: 新上项目应当实行产能置换和能耗减量等量替代
#: ((二)3, zhuji-plan-2021.txt) — 等量 is 1:1, 减量 is more. Zhejiang's own ratios were not found
#: (policy.md §4.1), so any higher ratio is the caller's ``energy_ratio``.
DEFAULT_ENERGY_RATIO = 1.0

#: Columns of ``allocations`` (the sources a result counts or chooses, and how much of each).
ALLOCATION_COLUMNS = ["source_id", "line", "product", "share", "capacity", "capacity_unit", "capacity_line",
                      "line_unit", "retire_per_new", "energy_tce", "source_capacity", "source_energy_tce", "price"]


def as_project(project: Project | Mapping[str, Any]) -> Project:
    """The project, checked: a bad capacity, date or other field is an `InputError` naming it."""
    from pydantic import ValidationError

    if isinstance(project, Project):
        return project
    try:
        return Project.model_validate(dict(project))
    except ValidationError as exc:
        fails = Failures(0, what="project")
        for e in exc.errors():
            kind = str(e.get("type", ""))
            reason = ("date_invalid" if "date" in kind else "quantity_negative" if kind.startswith("greater")
                      else "quantity_not_numeric" if "parsing" in kind else "value_invalid")
            fails.add_table(".".join(str(x) for x in e.get("loc", ())) or "project", reason,
                            value=e.get("input"), message=f"{REASONS[reason].message()}: {e.get('msg', '')}")
        raise fails.error() from None


def check_ratio(value: Any, name: str) -> float:
    """A ratio (退出:建设, energy) must be a finite number ≥ 0: else `RuleError` naming it."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise RuleError(f"{name}={value!r}: a ratio must be a number ≥ 0") from None
    if isinstance(value, bool) or not math.isfinite(x) or x < 0:
        raise RuleError(f"{name}={value!r}: a ratio must be a finite number ≥ 0")
    return x


def as_date(on: Any, name: str = "on") -> dt.date:
    """The date ``on`` (today when None); a date that cannot be read is an `InputError` naming it."""
    if on is None:
        return dt.date.today()
    try:
        return pd.Timestamp(on).date()
    except (ValueError, TypeError, OverflowError):
        fails = Failures(0, what="arguments")
        fails.add_table(name, "date_invalid", value=on)
        raise fails.error() from None


def _amount(x: float, ref: float) -> float:
    """``x`` with float noise below the tolerance of ``ref`` set to 0."""
    return 0.0 if x <= TOL * max(abs(ref), 1.0) else float(x)


def line_results(ev: Evaluation, used: pd.DataFrame, x: np.ndarray | None = None) -> list[LineResult]:
    """Required and provided capacity per line from the pairs in ``used`` (taking shares ``x``)."""
    out = []
    share = np.ones(len(used)) if x is None else x
    for k, info in enumerate(ev.lines):
        m = used["line"].to_numpy() == k
        provided = float((used["capacity_line"].to_numpy()[m] * share[m]).sum())
        covered_base = float((used["cover"].to_numpy()[m] * share[m]).sum())
        out.append(_line_result(info, provided, covered_base))
    return out


def _line_result(info: LineInfo, provided: float, covered_base: float) -> LineResult:
    """``covered_base`` is retired capacity counted at the line's base ratio."""
    required = info.required
    ln = info.line
    covered_new = covered_base / info.ratio if info.ratio > 0 else ln.new_capacity
    short = _amount(required - covered_base, required)
    return LineResult(line=ln.id, product=ln.product, capacity_unit=ln.capacity_unit, new_capacity=ln.new_capacity,
                      region_type=info.region_type, key_region_document=info.key_region_document,  # type: ignore[arg-type]
                      retire_per_new=info.ratio, rule_ids=info.rule_ids, required_capacity=required,
                      provided_capacity=provided, covered_new_capacity=covered_new,
                      capacity_shortfall=short, ok=short == 0)


def shortfall_findings(lines: list[LineResult], new_tce: float | None, required_tce: float | None,
                       provided_tce: float | None, short_tce: float | None, energy_ratio: float) -> list[Finding]:
    out = []
    for ln in lines:
        if ln.capacity_shortfall > 0:
            out.append(Finding(code="capacity_shortfall", severity="error", line=ln.line, message=str(Text(
                "swap_capacity_shortfall", line=ln.line, new=ln.new_capacity, unit=ln.capacity_unit,
                ratio=ln.retire_per_new, required=ln.required_capacity, provided=ln.provided_capacity,
                short=ln.capacity_shortfall))))
    if short_tce:
        out.append(Finding(code="energy_shortfall", severity="error", message=str(Text(
            "swap_energy_shortfall", new=new_tce, ratio=energy_ratio, required=required_tce, provided=provided_tce,
            short=short_tce))))
    return out


class SwapOptions(TypedDict, total=False):
    """The options `check` and `plan` share (each optional; the defaults are `evaluate_project`'s,
    documented under :func:`check`'s Parameters).

    Keys: ``rules``, ``ledger``, ``on``, ``energy_ratio``, ``retire_per_new``, ``days_per_year``,
    ``energy_records``, ``account_kwargs``, ``key_region_basis``, ``require_closed``,
    ``draft_exclusions`` and ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> from tanfeng.swap import check, plan
    >>> project = {"id": "P", "sector": "水泥", "product": "水泥熟料", "new_capacity": 4000,
    ...            "capacity_unit": "吨/日", "province": "浙江", "city": "绍兴"}
    >>> sources = pd.DataFrame({"source_id": ["A", "B"], "product": "水泥熟料", "capacity": [5000, 3000],
    ...                         "capacity_unit": "吨/日", "closed_on": "2022-01-01"})
    >>> options: SwapOptions = {"on": "2023-05-01", "energy_ratio": 1.0}
    >>> check(project, sources, **options).ok, plan(project, sources, **options).ok
    (True, True)
    """

    rules: SwapRules | None
    ledger: Any
    on: Any
    energy_ratio: float
    retire_per_new: float | None
    days_per_year: float | None
    energy_records: pd.DataFrame | None
    account_kwargs: Mapping[str, Any] | None
    key_region_basis: str | None
    require_closed: bool
    draft_exclusions: bool
    columns: Mapping[str, str] | None


def evaluate_project(project: Any, table: Any, *, mode: str, need_price: bool = False, rules: SwapRules | None = None,
                     ledger: Any = None, on: Any = None, energy_ratio: float = DEFAULT_ENERGY_RATIO,
                     retire_per_new: float | None = None, days_per_year: float | None = None,
                     energy_records: pd.DataFrame | None = None, account_kwargs: Mapping[str, Any] | None = None,
                     key_region_basis: str | None = None, require_closed: bool = True, draft_exclusions: bool = False,
                     columns: Mapping[str, str] | None = None) -> Evaluation:
    """The project and its sources read and checked against the rules: the first half of `check`
    (``mode="check"``) and `plan` (``mode="plan"``; ``need_price`` for ``min_cost``). The other
    keywords are the `SwapOptions`, with their defaults here."""
    rules = rules or SwapRules.default()
    check_ratio(energy_ratio, "energy_ratio")
    project = as_project(project)
    if retire_per_new is not None:
        check_ratio(retire_per_new, "retire_per_new")
    kwargs = {"region": project.province, **(account_kwargs or {})}
    norm = read_sources(table, rules, columns=columns, energy_records=energy_records, account_kwargs=kwargs,
                        need_price=need_price, unique_ids=mode == "plan",
                        what="sources table" if mode == "check" else "candidates table")
    return evaluate(project, norm, rules=rules, on=as_date(on), ledger=ledger, retire_per_new=retire_per_new,
                    days_per_year=days_per_year, key_region_basis=key_region_basis,
                    require_closed=require_closed, draft_exclusions=draft_exclusions, mode=mode,
                    energy_ratio=energy_ratio)


def energy_summary(new_tce: float | None, energy_ratio: float, provided: float) -> tuple[float | None, float | None, float | None]:
    if new_tce is None:
        return None, None, None
    required = new_tce * energy_ratio
    return required, provided, _amount(required - provided, required)


def allocations(ev: Evaluation, used: pd.DataFrame, share: np.ndarray | None = None) -> pd.DataFrame:
    """The counted/chosen pairs in the ledger's terms (amounts in the source's own unit)."""
    s = np.ones(len(used)) if share is None else share
    units = [ev.lines[k].line.capacity_unit if k >= 0 else "" for k in used["line"]]
    out = pd.DataFrame({
        "source_id": used["source_id"].to_numpy(), "line": used["line_id"].to_numpy(),
        "product": used["product"].to_numpy(), "share": s,
        "capacity": used["capacity"].to_numpy() * s, "capacity_unit": used["capacity_unit"].to_numpy(),
        "capacity_line": used["capacity_line"].to_numpy() * s, "line_unit": units,
        "retire_per_new": used["retire_per_new"].to_numpy(), "energy_tce": used["energy_tce"].to_numpy() * s,
        "source_capacity": used["source_capacity"].to_numpy(),
        "source_energy_tce": used["source_energy_tce"].to_numpy(), "price": used["price"].to_numpy() * s,
    }, columns=ALLOCATION_COLUMNS)
    return out.reset_index(drop=True)


def check(project: Project | Mapping[str, Any], sources: pd.DataFrame, **options: Unpack[SwapOptions]) -> SwapCheck:
    """Check a project's capacity and energy swap (产能置换 / 能耗等量减量替代).

    Parameters
    ----------
    project : Project or dict
        The new project: ``sector``, ``province`` (+ ``city``/``county`` or ``region_type``),
        one line (``product``, ``new_capacity``, ``capacity_unit``) or ``lines``, and
        ``new_tce`` (新增能耗, tce/yr) for the energy test.
    sources : DataFrame
        The retired sources the plan names, one row each (columns in
        :mod:`tanfeng.swap.sources`; Chinese headers understood).
    rules : SwapRules, optional
        Default: the shipped ``factors/rules/capacity_swap.csv`` and companions.
    ledger : Ledger, optional
        Allocations already made; a source other projects hold is not counted again.
    on : date, default today
        The date the plan is checked (its 公示 date): decides which rules and key-region list
        are in force.
    energy_ratio : float, default ``DEFAULT_ENERGY_RATIO`` (1.0)
        Required ``substitute_tce / new_tce``.
    retire_per_new : float, optional
        A ratio you state yourself (退出:建设) instead of the rule file's; suspensions still apply.
    days_per_year : float, optional
        The stated basis for converting 吨/日 and 万吨/年; without it such sources are refused.
    energy_records, account_kwargs : optional
        Freed energy as energy records (``source_id`` + carrier/quantity/unit), converted by
        :func:`tanfeng.accounting.account` (default 当量值, the project's province).
    key_region_basis : str, optional
        Force a key-region document (``"gf-2018-22"`` or ``"gf-2023-24"``).
    require_closed : bool, default True
        Count only sources closed (拆除到位) by ``on``.
    draft_exclusions : bool, default False
        Also apply exclusions that exist only in drafts (marked ``U``).

    Returns
    -------
    SwapCheck

    Raises
    ------
    RuleError
        The rule is suspended on ``on`` (e.g. steel from 2024-08-23), or no rule covers the case.
    InputError
        Bad rows in ``sources`` (every one listed).

    Examples
    --------
    >>> import pandas as pd
    >>> project = {"id": "诸暨钢铁", "sector": "钢铁", "product": "粗钢", "new_capacity": 100,
    ...            "capacity_unit": "万吨/年", "province": "浙江", "city": "绍兴", "county": "诸暨"}
    >>> sources = pd.DataFrame({"source_id": ["S1", "S2"], "product": ["粗钢", "粗钢"],
    ...                         "capacity": [80, 60], "capacity_unit": "万吨/年",
    ...                         "closed_on": ["2022-12-31", "2023-03-31"]})
    >>> r = check(project, sources, on="2023-05-01")
    >>> r.ok, r.required_capacity, r.provided_capacity, r.capacity_shortfall
    (False, 150.0, 140.0, 10.0)
    """
    ev = evaluate_project(project, sources, mode="check", **options)
    rules, energy_ratio = ev.rules, ev.energy_ratio
    pairs = ev.pairs
    used = pairs[pairs["eligible"].to_numpy()]
    lines = line_results(ev, used)
    provided_tce = float(used["energy_tce"].sum())
    p = ev.project
    req_tce, prov_tce, short_tce = energy_summary(p.new_tce, energy_ratio, provided_tce)
    findings = list(ev.findings)
    if p.new_tce is None:
        findings.append(Finding(code="energy_not_checked", severity="warning",
                                message=say("swap_energy_not_checked")))
    findings += shortfall_findings(lines, p.new_tce, req_tce, prov_tce, short_tce, energy_ratio)
    ok = all(ln.ok for ln in lines) and not short_tce and not any(f.severity == "error" for f in findings)

    table = sources.copy() if isinstance(sources, pd.DataFrame) else pd.DataFrame(sources)
    by_pos = pairs.set_index("pos")
    table["line"] = by_pos["line_id"].to_numpy()
    table["retire_per_new"] = by_pos["retire_per_new"].to_numpy()
    table["capacity_counted"] = np.where(by_pos["eligible"], by_pos["capacity_line"], 0.0)
    table["energy_counted_tce"] = np.where(by_pos["eligible"], by_pos["energy_tce"], 0.0)
    table["counted"] = by_pos["eligible"].to_numpy()
    table["reasons"] = by_pos["reasons"].to_numpy()
    table.attrs["tanfeng"] = {"rules": rules.id, "rules_version": rules.version}
    return SwapCheck(project_id=p.id, on=ev.on, ok=ok, lines=lines, new_tce=p.new_tce,
                     energy_ratio_required=energy_ratio, required_tce=req_tce, provided_tce=prov_tce,
                     energy_shortfall_tce=short_tce, findings=findings, sources=table,
                     allocations=allocations(ev, used))

"""Which source may serve which line, at which ratio, and how much of it is still free.

:func:`evaluate` is the step `check` and `plan` share: it looks up each line's rule (raising
`RuleError` when the rule is suspended on the date), pairs every source with the lines of its
product, and marks each pair eligible or not, with reason codes and Chinese findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._resources import normalize_name
from ..cells import Failures, say
from ..errors import RuleError
from .models import Finding, Line, Project, Severity
from .rules import RatioDecision, SwapRules
from .sources import capacity_factor

__all__ = ["Evaluation", "LineInfo", "evaluate"]

#: Relative tolerance when comparing amounts (so 149.99999999 still meets 150).
TOL = 1e-9
#: Line index and name of energy-only sources (能耗替代来源): they serve no capacity line.
ENERGY_LINE, ENERGY_LINE_ID = -2, "能耗替代"


@dataclass
class LineInfo:
    """A line with its rule: region type, base ratio (退出:建设) and required retirement."""

    line: Line
    region_type: str
    key_region_document: str | None
    ratio: float
    rule_ids: tuple[str, ...]
    decision: RatioDecision | None
    excluded: dict[str, Any]
    split_allowed: bool

    @property
    def required(self) -> float:
        return self.line.new_capacity * self.ratio


@dataclass
class Evaluation:
    """Everything `check` and `plan` need after the rules are applied."""

    project: Project
    on: dt.date
    sector: str
    province: str
    lines: list[LineInfo]
    table: pd.DataFrame
    pairs: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    #: the rule set applied and the energy ratio asked, for the result
    rules: SwapRules = field(kw_only=True)
    energy_ratio: float = field(kw_only=True)


def _fmt(x: float) -> str:
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _conditions(rules: SwapRules, names: tuple[str, ...], what: str) -> tuple[str, ...]:
    out, bad = [], []
    for n in names:
        c = rules.resolve_condition(n)
        (out.append(c) if c else bad.append(n))
    if bad:
        raise RuleError(f"unknown condition(s) {bad} for {what}; known: {sorted(rules.conditions)}")
    return tuple(out)


def _line_infos(project: Project, rules: SwapRules, sector: str, province: str, on: dt.date,
                retire_per_new: float | None, key_region_basis: str | None,
                draft_exclusions: bool, findings: list[Finding]) -> list[LineInfo]:
    infos = []
    project_conds = _conditions(rules, project.conditions, f"project {project.id}")
    for ln in project.lines:
        conds = (*project_conds, *_conditions(rules, ln.conditions, f"line {ln.id}"))
        doc = None
        region = ln.region_type or project.region_type
        if region is None:
            region, row = rules.region_type(province, project.city, project.county, on=on, basis=key_region_basis)
            doc = row.document if row else None
        if retire_per_new is not None:
            rules.check_suspension(sector, ln.product, province, on, region, conds)
            infos.append(LineInfo(ln, region, doc, float(retire_per_new), ("retire_per_new",), None, {}, True))
            continue
        dec = rules.ratio(sector, ln.product, province, region, on, conds)
        for w in dec.warnings:
            findings.append(Finding(code="rule_warning", severity="warning", message=w, line=ln.id))
        excluded = rules.excluded_kinds(dec.base.document, ln.product, draft=draft_exclusions)
        infos.append(LineInfo(ln, region, doc, dec.ratio, dec.rule_ids, dec, excluded,
                              dec.base.split_allowed != "no"))
    return infos


def _pairs_of(table: pd.DataFrame, lines: list[LineInfo], one_line_per_row: bool) -> pd.DataFrame:
    """(position, line index) for every source and every line it could serve; line -1 if none."""
    norm = {v: normalize_name(v) for v in pd.unique(pd.concat([table["product"], table["line"]]).dropna())}
    key = table["product"].map(norm).fillna("").to_numpy()
    wanted = table["line"].map(norm).fillna("").to_numpy()
    by_product = pd.DataFrame({"key": [normalize_name(li.line.product) for li in lines],
                               "line": np.arange(len(lines)),
                               "line_key": [normalize_name(li.line.id) for li in lines]})
    energy_only = table["energy_only"].to_numpy(dtype=bool)
    left = pd.DataFrame({"pos": np.arange(len(table)), "key": key, "wanted": wanted})[~energy_only]
    m = left.merge(by_product, on="key", how="left", sort=False)
    m = m[(m["wanted"] == "") | (m["wanted"] == m["line_key"]) | m["line"].isna()]
    if one_line_per_row:
        counts = m.groupby("pos")["line"].transform("count").to_numpy()
        amb = np.unique(m["pos"].to_numpy()[counts > 1])
        if amb.size:
            fails = Failures(table.index, what="sources table")
            fails.add(np.isin(np.arange(len(table)), amb), "line", table["product"], "line_ambiguous")
            raise fails.error()
    out = pd.DataFrame({"pos": m["pos"].to_numpy(dtype=int),
                        "line": m["line"].fillna(-1).to_numpy(dtype=int)})
    missing = np.setdiff1d(np.flatnonzero(~energy_only), out["pos"].to_numpy())  # named a line it cannot serve
    extra = [pd.DataFrame({"pos": missing, "line": -1}),
             pd.DataFrame({"pos": np.flatnonzero(energy_only), "line": ENERGY_LINE})]
    out = pd.concat([out, *[e for e in extra if len(e)]], ignore_index=True)
    return out.sort_values(["pos", "line"], kind="stable").reset_index(drop=True)


@dataclass
class _Pairs:
    """The (source, line) pairs being judged: the source rows, the line index of each pair
    (`ENERGY_LINE` for energy-only sources, -1 for no line of its product) and what was found."""

    t: pd.DataFrame
    li: np.ndarray
    lines: list[LineInfo]
    check: bool
    findings: list[Finding]
    reasons: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reasons = [[] for _ in range(len(self.t))]

    @property
    def n(self) -> int:
        return len(self.t)

    @property
    def sid(self) -> pd.Series:
        return self.t["source_id"]

    @property
    def sev(self) -> Severity:
        """An unmet rule is an error in ``check`` mode; ``plan`` leaves such a candidate out."""
        return "error" if self.check else "info"

    def line_id(self, k: int) -> str | None:
        return self.lines[k].line.id if k >= 0 else (ENERGY_LINE_ID if k == ENERGY_LINE else None)

    def add(self, mask: np.ndarray, code: str, severity: Severity, message: Any) -> None:
        """A finding for every pair in ``mask``; errors (and plan exclusions) make it ineligible."""
        for j in np.flatnonzero(mask):
            if severity == "error" or (severity == "info" and not self.check and code in _PLAN_EXCLUDES):
                self.reasons[j].append(code)
            self.findings.append(Finding(code=code, severity=severity, message=message(j),
                                         source_id=self.sid.iloc[j], line=self.line_id(self.li[j])))


def evaluate(project: Project, table: pd.DataFrame, *, rules: SwapRules, on: dt.date, ledger: Any,
             retire_per_new: float | None, days_per_year: float | None, key_region_basis: str | None,
             require_closed: bool, draft_exclusions: bool, mode: str, energy_ratio: float) -> Evaluation:
    """Apply the rules to every (source, line) pair; ``mode`` is ``"check"`` or ``"plan"``
    (``energy_ratio`` is carried to the result)."""
    from ..regions import default_regions

    sector = rules.resolve_sector(project.sector)
    province = default_regions().resolve(project.province)
    findings: list[Finding] = []
    lines = _line_infos(project, rules, sector, province, on, retire_per_new, key_region_basis,
                        draft_exclusions, findings)
    check = mode == "check"
    pairs = _pairs_of(table, lines, one_line_per_row=check)
    p = _Pairs(table.iloc[pairs["pos"].to_numpy()].reset_index(drop=True), pairs["line"].to_numpy(),
               lines, check, findings)
    _check_product_and_sector(p, rules, sector)
    factor = _unit_factors(p, days_per_year)
    if require_closed:
        _check_closed(p, on)
    claim_cap, claim_en = _claims(p, ledger, project.id)
    _check_kinds(p)
    ratio, rule_ids = _ratios(p, rules, sector, province, on, retire_per_new)
    _check_energy(p, project)
    out = _pair_table(p, table, pairs, factor, claim_cap, claim_en, ratio, rule_ids)
    return Evaluation(project, on, sector, province, lines, table, out,
                      p.findings if check else _aggregate(p.findings), rules=rules, energy_ratio=energy_ratio)


def _check_product_and_sector(p: _Pairs, rules: SwapRules, sector: str) -> None:
    t, sid, li = p.t, p.sid, p.li
    products = say("cells_list_separator").join(dict.fromkeys(x.line.product for x in p.lines))
    p.add(li == -1, "wrong_product", p.sev,
          lambda j: say("swap_wrong_product", source=sid.iloc[j], product=t["product"].iloc[j], products=products))
    sectors = t["sector"].map(lambda v: _sector_or_none(rules, v))
    p.add(np.asarray(t["sector"].notna() & (sectors != sector)) & (li != ENERGY_LINE), "wrong_sector", p.sev,
          lambda j: say("swap_wrong_sector", source=sid.iloc[j], sector=t["sector"].iloc[j], project_sector=sector))


def _unit_factors(p: _Pairs, days_per_year: float | None) -> np.ndarray:
    """Per pair, the factor from the source's capacity unit to its line's (NaN: no conversion)."""
    t, sid, li, lines = p.t, p.sid, p.li, p.lines
    factor = np.full(p.n, np.nan)
    for (u, k), idx in pd.Series(range(p.n)).groupby([t["capacity_unit"], li]).groups.items():
        if k >= 0:
            f = capacity_factor(u, lines[k].line.capacity_unit, days_per_year)
            factor[np.asarray(idx)] = np.nan if f is None else f
    mismatch = (li >= 0) & np.isnan(factor)
    p.add(mismatch, "unit_mismatch", p.sev,
          lambda j: say("swap_unit_mismatch", source=sid.iloc[j], unit=t["capacity_unit"].iloc[j],
                        line_unit=lines[li[j]].line.capacity_unit))
    return factor


def _check_closed(p: _Pairs, on: dt.date) -> None:
    sid = p.sid
    closed = pd.to_datetime(p.t["closed_on"])
    p.add(closed.isna().to_numpy(), "closed_date_missing", p.sev,
          lambda j: say("swap_closed_date_missing", source=sid.iloc[j], on=on))
    p.add((closed > pd.Timestamp(on)).to_numpy(), "not_closed", p.sev,
          lambda j: say("swap_not_closed", source=sid.iloc[j], closed=closed.iloc[j].date(), on=on))


def _claims(p: _Pairs, ledger: Any, project_id: str) -> tuple[np.ndarray, np.ndarray]:
    """What each pair claims of its source (capacity, energy): the share asked for, else what
    the ledger leaves free; a claim beyond what is free (or a source listed twice) is found."""
    t, sid = p.t, p.sid
    cap = t["capacity"].to_numpy(dtype=float)
    energy = t["energy_tce"].to_numpy(dtype=float)
    used_cap, used_en, used_by = _ledger_use(ledger, project_id, t)
    avail_cap = np.maximum(cap - used_cap, 0.0)
    avail_en = np.where(np.isnan(energy), np.nan, np.maximum(energy - used_en, 0.0))
    share = t["share"].to_numpy(dtype=float)
    claim_cap = np.where(np.isnan(share), avail_cap, share * cap)
    claim_en = np.where(np.isnan(share), avail_en, share * energy)
    tol_cap = TOL * np.maximum(cap, 1.0)
    tol_en = TOL * np.maximum(np.nan_to_num(energy), 1.0)
    held = (used_cap > 0) | (used_en > 0)
    nothing_left = held & (avail_cap <= tol_cap) & ~(np.nan_to_num(avail_en) > tol_en)
    over = ~np.isnan(share) & ((claim_cap > avail_cap + tol_cap) | (np.nan_to_num(claim_en) > np.nan_to_num(avail_en) + tol_en))
    p.add(nothing_left | over, "already_allocated", p.sev,
          lambda j: say("swap_already_allocated", source=sid.iloc[j], by=used_by[j], capacity=_fmt(float(avail_cap[j])),
                        unit=t["capacity_unit"].iloc[j], energy=_fmt(float(np.nan_to_num(avail_en[j])))))
    partly = held & ~(nothing_left | over)
    p.add(partly, "partly_allocated", "info",
          lambda j: say("swap_partly_allocated", source=sid.iloc[j], by=used_by[j], capacity=_fmt(float(claim_cap[j])),
                        energy=_fmt(float(np.nan_to_num(claim_en[j])))))
    if p.check:
        dup = pd.Series(sid).duplicated(keep="first").to_numpy() & (p.li != -1)
        p.add(dup, "duplicate_source", "error", lambda j: say("swap_duplicate_source", source=sid.iloc[j]))
    return claim_cap, claim_en


def _check_kinds(p: _Pairs) -> None:
    """Sources of a kind the line's rule document excludes (不得用于置换的情形)."""
    li, lines = p.li, p.lines
    kinds = p.t["kinds"].to_numpy()
    bad_kind = np.array([li[j] >= 0 and any(k in lines[li[j]].excluded for k in kinds[j]) for j in range(p.n)], dtype=bool) \
        if any(len(k) for k in kinds) else np.zeros(p.n, dtype=bool)

    def kind_msg(j: int) -> str:
        ex = [lines[li[j]].excluded[k] for k in kinds[j] if k in lines[li[j]].excluded]
        return say("swap_ineligible_kind", source=p.sid.iloc[j],
                   kinds=say("cells_list_separator").join(e.name_zh for e in ex), document=ex[0].source)
    p.add(bad_kind, "ineligible_kind", p.sev, kind_msg)


def _ratios(p: _Pairs, rules: SwapRules, sector: str, province: str, on: dt.date,
            retire_per_new: float | None) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Ratio (退出:建设) and rule ids per pair: the line's conditions + the source's + cross-province."""
    t, sid, li, lines, n = p.t, p.sid, p.li, p.lines, p.n
    ratio = np.array([lines[k].ratio if k >= 0 else np.nan for k in li])
    rule_ids: list[tuple[str, ...]] = [lines[k].rule_ids if k >= 0 else () for k in li]
    cross = t["province"].notna().to_numpy() & (t["province"] != province).to_numpy()
    if retire_per_new is None:
        keys = [tuple(sorted({*(t["conditions"].iloc[j]), *(("cross_province",) if cross[j] else ())}))
                if li[j] >= 0 else () for j in range(n)] if (cross.any() or t["conditions"].map(len).any()) else [()] * n
        for (k, key), idx in pd.Series(range(n)).groupby([li, pd.Series(keys, dtype=object)]).groups.items():
            if k < 0 or not key:
                continue
            base = lines[k]
            lconds = base.decision.applied if base.decision else ()
            dec = rules.ratio(sector, base.line.product, province, base.region_type, on,
                              {*(r.condition for r in lconds), *key})
            ix = np.asarray(idx)
            ratio[ix] = dec.ratio
            for j in ix:
                rule_ids[j] = dec.rule_ids
            for w in dec.warnings:
                if w not in {f.message for f in p.findings}:
                    p.findings.append(Finding(code="rule_warning", severity="warning", message=w, line=base.line.id))
    p.add(cross & (li >= 0), "cross_province", "info",
          lambda j: say("swap_cross_province", source=sid.iloc[j], province=t["province"].iloc[j], ratio=ratio[j]))
    return ratio, rule_ids


def _check_energy(p: _Pairs, project: Project) -> None:
    """Energy not given by a source, or given when the project has no new energy to cover."""
    sid, li = p.sid, p.li
    no_energy = np.isnan(p.t["energy_tce"].to_numpy(dtype=float)) & (li >= 0) & (project.new_tce is not None)
    p.add(no_energy, "energy_missing", "warning", lambda j: say("swap_energy_missing", source=sid.iloc[j]))
    if project.new_tce is None:
        p.add(li == ENERGY_LINE, "energy_source_unused", "warning",
              lambda j: say("swap_energy_source_unused", source=sid.iloc[j]))


def _pair_table(p: _Pairs, table: pd.DataFrame, pairs: pd.DataFrame, factor: np.ndarray, claim_cap: np.ndarray,
                claim_en: np.ndarray, ratio: np.ndarray, rule_ids: list[tuple[str, ...]]) -> pd.DataFrame:
    """One row per pair: what it claims, in the line's unit, and what that covers at its ratio."""
    t, li, lines = p.t, p.li, p.lines
    base_ratio = np.array([lines[k].ratio if k >= 0 else np.nan for k in li])
    cap_line = np.nan_to_num(claim_cap * factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(ratio > 0, cap_line * base_ratio / ratio, cap_line)
    split = np.array([lines[k].split_allowed if k >= 0 else k == ENERGY_LINE for k in li]) \
        & t["divisible"].to_numpy(dtype=bool)
    return pd.DataFrame({
        "pos": pairs["pos"].to_numpy(), "row": table.index[pairs["pos"].to_numpy()],
        "source_id": p.sid.to_numpy(), "line": li, "line_id": [p.line_id(k) for k in li],
        "product": t["product"].to_numpy(), "retire_per_new": ratio,
        "rule_ids": [",".join(r) for r in rule_ids],
        "capacity": np.nan_to_num(claim_cap), "capacity_unit": t["capacity_unit"].to_numpy(),
        "capacity_line": cap_line, "cover": np.nan_to_num(cover),
        "energy_tce": np.nan_to_num(claim_en), "source_capacity": t["capacity"].to_numpy(dtype=float),
        "source_energy_tce": np.nan_to_num(t["energy_tce"].to_numpy(dtype=float)), "price": t["price"].to_numpy(dtype=float),
        "divisible": split, "eligible": [not r for r in p.reasons], "reasons": [",".join(r) for r in p.reasons],
    })


#: The text (``factors/rules/texts/swap.csv``) that says what many candidates sharing a finding have.
_MANY = {
    "wrong_product": "swap_many_wrong_product", "wrong_sector": "swap_many_wrong_sector",
    "unit_mismatch": "swap_many_unit_mismatch", "closed_date_missing": "swap_many_closed_date_missing",
    "not_closed": "swap_many_not_closed", "already_allocated": "swap_many_already_allocated",
    "partly_allocated": "swap_many_partly_allocated", "ineligible_kind": "swap_many_ineligible_kind",
    "cross_province": "swap_many_cross_province", "energy_missing": "swap_many_energy_missing",
    "energy_source_unused": "swap_many_energy_source_unused",
}
#: In ``plan`` mode, more findings than this with one code become a single finding.
AGGREGATE_OVER = 10


def _aggregate(findings: list[Finding]) -> list[Finding]:
    """One finding per code for codes with many candidates (the sources table keeps each)."""
    by: dict[str, list[Finding]] = {}
    for f in findings:
        if f.source_id is not None:
            by.setdefault(f.code, []).append(f)
    out = [f for f in findings if f.source_id is None or len(by[f.code]) <= AGGREGATE_OVER]
    for code, fs in by.items():
        if len(fs) > AGGREGATE_OVER:
            ids = say("cells_list_separator").join(str(f.source_id) for f in fs[:5])
            out.append(Finding(code=code, severity=fs[0].severity, message=say(
                "swap_many", n=len(fs), what=say(_MANY[code]) if code in _MANY else code, ids=ids,
                tail=say("swap_many_excluded") if code in _PLAN_EXCLUDES else "")))
    return out


#: In ``plan`` mode these info findings still exclude a candidate from the optimisation.
_PLAN_EXCLUDES = {"wrong_product", "wrong_sector", "unit_mismatch", "closed_date_missing", "not_closed",
                  "already_allocated", "ineligible_kind"}


def _sector_or_none(rules: SwapRules, name: Any) -> str | None:
    if not name:
        return None
    try:
        return rules.resolve_sector(str(name))
    except RuleError:
        return str(name)


def _ledger_use(ledger: Any, project_id: str, t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Capacity (in each row's unit) and energy other projects hold of each source."""
    n = len(t)
    if ledger is None:
        return np.zeros(n), np.zeros(n), [""] * n
    used = ledger.used(exclude_project=project_id)
    if used.empty:
        return np.zeros(n), np.zeros(n), [""] * n
    used = used.rename(columns={"capacity_unit": "capacity_unit_ledger"})
    m = t[["source_id", "capacity_unit"]].join(used, on="source_id")
    cap = np.zeros(n)
    for (u_row, u_led), idx in m.dropna(subset=["capacity_unit_ledger"]).groupby(
            ["capacity_unit", "capacity_unit_ledger"]).groups.items():
        if not u_row or not u_led:  # energy-only sources hold no capacity
            continue
        f = capacity_factor(u_led, u_row)
        if f is None:
            raise RuleError(f"the ledger holds source capacity in {u_led!r}, the table in {u_row!r}: "
                            "use the same period (年/日) in both.")
        pos = np.asarray(idx, dtype=int)
        cap[pos] = m["capacity"].to_numpy(dtype=float)[pos] * f
    en = np.nan_to_num(m["energy_tce"].to_numpy(dtype=float))
    by = m["projects"].fillna("").astype(str).tolist()
    return cap, en, by

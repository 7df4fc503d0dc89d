"""Factor chains: the multiplications behind one result of `account`, term by term.

A result is ``quantity × term₁ × term₂ × …``: unit conversions (physics, computed with pint),
cited factors (looked up by the ids `account` wrote in ``tce_factor`` / ``co2_factor``) and
the 44/12 ratio of CO2 to carbon. A chain is rebuilt from those ids, then checked against the
per-unit value `account` applied; when the ids name something this module cannot rebuild (a
factor kind added later), the chain is the one number `account` applied, stated as such, so
the statement always shows what was computed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

from ..accounting.stages import MEASURED_NCV
from ..cells import say
from ..factors import CO2_PER_CARBON, Factor, FactorSet
from ..steam import FEEDWATER_ENTHALPY
from .labels import joined, paren

#: Relative tolerance between a rebuilt chain and the per-unit value `account` applied.
CHAIN_RTOL = 1e-9

#: The factor quantities a statement names (``statement_quantity_<quantity>``).
QUANTITIES = ("tce_coefficient", "ncv", "carbon_content", "oxidation_rate", "grid_co2", "heat_co2", "emission_factor")


def quantity_label(quantity: str, lang: str) -> str:
    """A factor quantity as the statement names it (折标准煤系数 / tce coefficient); others as given."""
    return say(f"statement_quantity_{quantity}", lang) if quantity in QUANTITIES else quantity

@dataclass(frozen=True)
class Term:
    """One multiplier of a chain.

    ``kind`` is ``"conversion"`` (a unit conversion), ``"factor"`` (a cited factor),
    ``"constant"`` (44/12), ``"given"`` (a number `account` computed itself — steam heat by
    IAPWS-IF97, a gas volume at 0 ℃ — solved from the value it applied) or ``"applied"`` (the
    per-unit value `account` applied, when the chain could not be rebuilt). ``formula`` is an Excel formula for constants (``=44/12``).
    """

    kind: str
    label: str
    value: float
    unit: str
    source: str = ""
    factor_id: str = ""
    formula: str | None = None
    divide: bool = False  # a divisor (÷ 29 307.6 MJ/tce) rather than a small multiplier
    quantity: str = ""  # the factor's quantity (``oxidation_rate`` …) for a cited factor


def _reg() -> Any:
    from ..units import get_registry

    return get_registry()


def _split_unit(unit: str) -> tuple[str, str | None]:
    """``"kgce/kWh"`` -> ``("kgce", "kWh")``; ``"dimensionless"`` -> ``("dimensionless", None)``."""
    if unit in ("—", ""):
        return "dimensionless", None
    if "/" not in unit:
        return unit, None
    num, den = unit.split("/", 1)
    reg = _reg()
    try:  # the split must mean the same as the whole
        whole = reg.Quantity(1.0, unit)
        part = reg.Quantity(1.0, num) / reg.Quantity(1.0, den)
        if math.isclose(float(part.to(whole.units).magnitude), 1.0, rel_tol=1e-12):
            return num, den
    except Exception:
        pass
    q = reg.Quantity(1.0, unit)
    nums = [f"{n}**{e}" if e != 1 else n for n, e in q.unit_items() if e > 0]
    dens = [f"{n}**{-e}" if e != -1 else n for n, e in q.unit_items() if e < 0]
    return "*".join(nums) or "dimensionless", ("*".join(dens) or None)


#: Conversions below this are written as divisors (× 1/29 307.6 reads as ÷ 29 307.6 MJ/tce and
#: keeps its digits in every spreadsheet engine); powers of ten stay multipliers (× 0.001).
DIVISOR_BELOW = 0.01


def _conversion(from_unit: str, to_unit: str, lang: str) -> Term | None:
    """The factor turning 1 ``from_unit`` into ``to_unit`` (None when it is exactly 1 of the same)."""
    from ..units import parse_unit

    reg = _reg()
    src, dst = parse_unit(from_unit.strip()), parse_unit(to_unit.strip())
    value = float(reg.Quantity(1.0, src).to(dst).magnitude)
    a, b = from_unit.strip(), to_unit.strip()
    if value == 1.0:  # the same unit, spelled differently (吨 / t): nothing to convert
        return None
    if value < DIVISOR_BELOW and not math.log10(value).is_integer():
        inverse = float(reg.Quantity(1.0, dst).to(src).magnitude)
        return Term("conversion", say("statement_conversion", lang, src=a, dst=b), inverse, f"{a}/{b}",
                    say("statement_conversion_source", lang), divide=True)
    return Term("conversion", say("statement_conversion", lang, src=a, dst=b), value, f"{b}/{a}", say("statement_conversion_source", lang))


_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*)$")


def _measured(ncv_text: str | None, lang: str) -> Term:
    """A measured 低位发热量 as written (``5000 kcal/kg``), its unit checked by pint."""
    from ..units import parse_unit

    m = _NUMBER_UNIT.match(ncv_text or "")
    if m is None:
        raise ValueError(f"measured NCV {ncv_text!r} is not a number with a unit")
    parse_unit(m.group(2))
    return Term("factor", say("statement_measured_ncv", lang), float(m.group(1)), m.group(2).strip(), say("statement_measured_ncv_source", lang))


def _factor_term(f: Factor, lang: str, label: str | None = None) -> Term:
    from ..regions import default_regions

    name = label or quantity_label(f.quantity, lang)
    year = f" {say('statement_year', lang, year=f.data_year)}" if f.data_year is not None else ""
    place = f.region if lang == "zh" else default_regions().label(f.region, lang)  # zh: as the factor names it
    region = f" {place}" if f.region and f.region != "national" else ""
    unit = "—" if f.unit == "dimensionless" else f.unit
    number = "" if f.source_number and f.table.startswith(f.source_number) else f.source_number
    short = " ".join(p for p in (number, f.table) if p) or f.citation  # the title is on 依据
    return Term("factor", f"{name}{region}{year}", float(f.value), unit, short, f.id, quantity=f.quantity)


def factors_by_id(fs: FactorSet) -> dict[str, Factor]:
    """Every factor of a set by id, read from its public table (with source number and title)."""
    import pandas as pd

    out: dict[str, Factor] = {}
    for rec in fs.table().to_dict("records"):
        data = {k: rec.get(k) for k in Factor.model_fields}
        for k, v in data.items():
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                data[k] = None if k in ("low", "high", "data_year") else ""
        data["data_year"] = None if data["data_year"] is None else int(data["data_year"])
        data["value"] = float(data["value"])
        out[str(rec["id"])] = Factor(**data)
    return out


def _close(a: float, b: float) -> bool:
    """Does the rebuilt chain ``a`` give the applied value ``b`` (NaN: nothing to compare with)?"""
    return math.isnan(b) or math.isclose(a, b, rel_tol=CHAIN_RTOL, abs_tol=1e-300)


def product(terms: list[Term]) -> float:
    """The chain's value per unit of quantity."""
    out = 1.0
    for t in terms:
        out = out / t.value if t.divide else out * t.value
    return out


def applied(per_unit: float, factor_id: str, target: str, unit_label: str, why: str, lang: str = "zh") -> list[Term]:
    """The fallback chain: the one number `account` applied per unit of the records."""
    return [Term("applied", say("statement_applied", lang, factor_id=factor_id or "—"), per_unit, f"{target}/{unit_label}",
                 why, factor_id)]


#: Parts of a factor id that `account` computed itself (no factor row), each with its texts
#: ``statement_computed_<prefix>`` (label) and ``statement_computed_<prefix>_source``.
COMPUTED_PARTS = ("enthalpy", "volume")


def _computed(part: str, lang: str) -> Term:
    """A placeholder for a number `account` computed (its value is solved from the chain)."""
    prefix = part.split("[", 1)[0]
    if prefix in COMPUTED_PARTS:
        label = say(f"statement_computed_{prefix}", lang, feedwater=FEEDWATER_ENTHALPY)
        source = say(f"statement_computed_{prefix}_source", lang)
    else:
        label, source = say("statement_computed_other", lang, part=part), say("statement_computed_other_source", lang)
    detail = part[len(prefix):].strip("[]")
    return Term("given", paren(label, detail, lang) if detail else label, math.nan, "", source, part)


def _chain(factors: dict[str, Factor], factor_id: str, unit: str, per_unit: float, target: str,
           basis_label: str | None, ncv_text: str | None, lang: str) -> list[Term]:
    """Walk the parts of an id (``a+b+c``) from the records' unit to ``target`` (tce or tCO2):
    a unit conversion before each factor that needs one, 44/12 after carbon, a last conversion.

    A part `account` computed itself (``enthalpy[1MPa,sat]``, ``volume[20℃→0℃]``) is a given
    number, solved from the value `account` applied (the one such part of a chain); every other
    chain is checked against that value.
    """
    reg = _reg()
    parts = factor_id.split("+")
    terms: list[Term] = []
    current = unit
    for k, part in enumerate(parts):
        if part == MEASURED_NCV:
            term = _measured(ncv_text, lang)
        elif part in factors:
            f = factors[part]
            label = None
            if target == "tce" and f.quantity == "tce_coefficient":
                label = say("statement_tce_coefficient", lang, basis=basis_label)
            elif target == "tce" and f.quantity == "ncv":
                label = say("statement_ncv_for_tce", lang, basis=basis_label)
            term = _factor_term(f, lang, label)
        else:  # computed by account(): converts to what the next factor takes, or keeps the unit
            term = _computed(part, lang)
            nxt = next((factors[p] for p in parts[k + 1:] if p in factors), None)
            if nxt is None:
                raise ValueError(f"{part}: no factor after it to take its unit from")
            takes = _split_unit(nxt.unit)[1] or current
            same = reg.Quantity(1.0, _parse(current)).dimensionality == reg.Quantity(1.0, _parse(takes)).dimensionality
            term = replace(term, unit="—" if same else f"{takes}/{current}")
            current = current if same else takes
            terms.append(term)
            continue
        num, den = _split_unit(term.unit)
        if den is not None:
            conv = _conversion(current, den, lang)
            if conv:
                terms.append(conv)
            current = num
        elif term.unit not in ("dimensionless", "—"):
            current = num
        terms.append(term)
    if target == "tCO2" and reg.Quantity(1.0, _parse(current)).check(reg.Quantity(1.0, "tC").dimensionality):
        conv = _conversion(current, "tC", lang)
        if conv:
            terms.append(conv)
        terms.append(Term("constant", say("statement_co2_per_carbon", lang), CO2_PER_CARBON, "tCO2/tC",
                          say("statement_co2_per_carbon_source", lang), formula="=44/12"))
        current = "tCO2"
    out = _conversion(current, target, lang)
    if out:
        terms.append(out)
    given = [i for i, t in enumerate(terms) if t.kind == "given"]
    if len(given) > 1:
        raise ValueError(f"{len(given)} computed parts in one chain")
    if given:
        rest = product([t for t in terms if t.kind != "given"])
        value = per_unit / rest if rest and math.isfinite(per_unit) else math.nan
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"the computed part of {factor_id} cannot be solved from {per_unit}")
        t = terms[given[0]]
        terms[given[0]] = replace(t, value=value)
    return terms


def _parse(unit: str) -> Any:
    from ..units import parse_unit

    return parse_unit(unit.strip())


def _checked(factors: dict[str, Factor], factor_id: str, unit: str, per_unit: float, target: str,
             basis_label: str | None, ncv_text: str | None, lang: str) -> list[Term]:
    try:
        terms = _chain(factors, factor_id, unit, per_unit, target, basis_label, ncv_text, lang)
        if _close(product(terms), per_unit):
            return terms
        why = say("statement_chain_differs", lang, value=f"{product(terms):.10g}")
    except Exception as exc:  # a factor kind this module does not know: show what was applied
        why = say("statement_chain_unknown", lang, error=exc)
    return applied(per_unit, factor_id, target, unit, why, lang)


def tce_chain(factors: dict[str, Factor], factor_id: str, unit: str, per_unit: float, basis_label: str,
              ncv_text: str | None = None, lang: str = "zh") -> list[Term]:
    """Terms of ``tce = quantity × …`` for one (factor id, unit), checked against ``per_unit``;
    labels and sources in ``lang``."""
    return _checked(factors, factor_id, unit, per_unit, "tce", basis_label, ncv_text, lang)


def co2_chain(factors: dict[str, Factor], factor_id: str, unit: str, per_unit: float,
              ncv_text: str | None = None, lang: str = "zh") -> list[Term]:
    """Terms of ``tCO2 = quantity × …`` for one (factor id, unit), checked against ``per_unit``;
    labels and sources in ``lang``."""
    return _checked(factors, factor_id, unit, per_unit, "tCO2", None, ncv_text, lang)


#: Columns of the tce tables and of the CO2 table: role -> its header's text (``statement_<code>``).
TCE_ROLES: dict[str, str] = {"pre": "statement_role_pre", "coef": "statement_role_coef", "post": "statement_role_post"}
CO2_ROLES: dict[str, str] = {"pre": "statement_role_pre", "heat": "statement_role_heat", "mid": "statement_role_mid", "ef": "statement_role_ef",
                             "of": "statement_role_of", "c": "statement_role_c", "post": "statement_role_co2_post"}


def by_role(chain: list[Term], co2: bool) -> tuple[dict[str, Term], list[Term]]:
    """Place a chain's terms in the table's columns; terms that fit no free column are returned apart."""
    placed: dict[str, Term] = {}
    extra: list[Term] = []
    factors = [t for t in chain if t.kind in ("factor", "applied", "given")]
    seen = 0
    for t in chain:
        if t.kind in ("factor", "applied", "given"):
            seen += 1
            if not co2:
                role = "pre" if t.kind == "given" and "pre" not in placed else "coef"
            elif t.factor_id and t.quantity == "oxidation_rate":
                role = "of"
            elif seen == 1 and len([f for f in factors if f.quantity != "oxidation_rate"]) > 1:
                role = "heat"
            else:
                role = "ef"
        elif t.kind == "constant":
            role = "c"
        else:  # a conversion: before any factor, between two, or after the last
            role = "pre" if seen == 0 else ("post" if seen == len(factors) else ("mid" if co2 else "post"))
        if role in placed:
            extra.append(t)
        else:
            placed[role] = t
    return placed, extra


def number_text(x: float) -> str:
    """A number with every digit it was given (1699.4915, 0.1229, 1000), no binary noise."""
    return f"{x:.15g}"


def term_text(t: Term) -> str:
    """``0.7143 kgce/kg``; a constant as its formula (``44/12``)."""
    value = t.formula.lstrip("=") if t.formula else number_text(t.value)
    return value if t.unit == "—" else f"{value} {t.unit}"


def _op(t: Term) -> str:
    return "÷" if t.divide else "×"


def words(quantity: float, unit: str, sign: int, terms: list[Term], result: str) -> str:
    """The formula in words: ``1000 吨 × 1000 kg/吨 × 0.7143 kgce/kg × 0.001 tce/kgce → tce``."""
    text = f"{number_text(quantity)} {unit}" + "".join(f" {_op(t)} {term_text(t)}" for t in terms)
    return f"{'−' if sign < 0 else ''}{text} → {result}"


def source_text(terms: list[Term], lang: str = "zh") -> str:
    """``折标系数（当量值）：GB/T 2589-2008 《综合能耗计算通则》 表A.1；…`` for a chain's cited terms."""
    return joined([say("statement_field", lang, label=t.label, value=t.source) for t in terms
                   if t.kind in ("factor", "applied", "given", "constant") and t.source], lang)

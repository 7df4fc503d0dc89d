"""电力(等价值): the coal rate a data year's electricity is converted with, by the rule's own words.

GB 30251-2024 附录A 表A.2 writes "电力(等价值) 按上年电厂发电标准煤耗计算": data year *Y* uses the
power plants' **generation-basis** (发电) standard-coal rate of year *Y − 1*. The rule, its source
and what stands in when no such value is known live in
``factors/rules/electricity_substitution.toml``.

tanfeng ships no 发电 rate (none was found published), so unless you supply one — a province's
official value with ``substitution_factor=`` on :func:`tanfeng.account` / :func:`tanfeng.to_tce`, or
a row added with :meth:`FactorSet.override` — the national **supply-basis** (供电) rate of *Y − 1*
(nearest shipped year) stands in, and a `FactorFallbackWarning` names the year and the value.
Every choice is described by a :class:`SubstitutionChoice`, which `account()` records in
``result.attrs["tanfeng"]["substitution"]``.

Examples
--------
>>> import warnings
>>> from tanfeng import FactorSet
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     c = electricity_substitution(FactorSet.default(), 2025)
>>> c.coal_rate_year, c.used_year, c.factor.value, c.basis, c.substituted
(2024, 2024, 0.3024, '供电', True)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._resources import data_dir
from ._rules import read_toml
from .cells import Text
from .errors import FactorFallbackWarning, FactorNotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from .factors import Factor, FactorSet

__all__ = ["SubstitutionChoice", "electricity_substitution", "substitution_rule", "user_substitution_row"]

#: Source id of a value passed as ``substitution_factor=``.
USER_SOURCE = "user-substitution-factor"


@functools.cache
def substitution_rule() -> dict[str, Any]:
    """The 等价值 rule of ``factors/rules/electricity_substitution.toml`` (rule, year_lag, basis …)."""
    return read_toml(data_dir() / "rules" / "electricity_substitution.toml")


@dataclass(frozen=True)
class SubstitutionChoice:
    """Which 等价值 coefficient a data year of electricity was converted with, and why."""

    data_year: int | None
    coal_rate_year: int | None  #: the year the rule asks for (data year − year_lag)
    used_year: int | None  #: the year of the value used (None: a timeless, user-supplied value)
    factor: Factor
    basis: str  #: 发电 (the rule's), 供电 (substituted) or "user"
    substituted: bool  #: True when the value is not what the rule asks for
    fallbacks: tuple[FactorFallbackWarning, ...] = field(default_factory=tuple)

    def record(self) -> dict[str, Any]:
        """Plain values for ``attrs``, reports and workbooks."""
        return {"data_year": self.data_year, "coal_rate_year": self.coal_rate_year, "used_year": self.used_year,
                "value": self.factor.value, "unit": self.factor.unit, "factor_id": self.factor.id,
                "basis": self.basis, "substituted": self.substituted, "confidence": self.factor.confidence,
                "rule": substitution_rule()["rule"]}


def electricity_substitution(fs: FactorSet, year: int | None) -> SubstitutionChoice:
    """The 等价值 coefficient of electricity for data year ``year``, by the rule of GB 30251-2024.

    A value in the default variant (yours, from ``substitution_factor=`` or an override) is used
    when present; else the ``supply-basis`` variant for year − 1 stands in. The fallbacks
    (returned, not warned) name the year and value whenever the value is substituted or estimated.
    """
    rule = substitution_rule()
    target = None if year is None else int(year) - int(rule["year_lag"])
    asked = Text("substitution_asked", year=year, rule=rule["rule"], source=rule["source"], table=rule["table"],
                 target=target, basis=rule["basis"])

    def warning(text: Text, f: Factor) -> FactorFallbackWarning:
        return FactorFallbackWarning(text, carrier="electricity", quantity="tce_coefficient", year=year,
                                     used=f.id, used_region=f.region, used_year=f.data_year)

    try:
        f, fb = fs.lookup("electricity", "tce_coefficient", year=target, basis="substitution")
    except FactorNotFoundError:
        pass
    else:
        user = f.source == USER_SOURCE
        notes = [warning(Text("substitution_fallback", asked=asked, fallback=w), f) for w in fb]
        if f.confidence == "unverified" and not user:
            notes.append(warning(Text("substitution_unverified", asked=asked, value=f.value, unit=f.unit, used=f.id), f))
        return SubstitutionChoice(year, target, f.data_year, f, "user" if user else str(rule["basis"]), bool(fb),
                                  tuple(notes))
    f, _ = fs.lookup("electricity", "tce_coefficient", year=target, basis="substitution",
                     variant=str(rule["substitute_variant"]))
    used = f"{f.data_year} " if f.data_year is not None else ""
    note = Text("substitution_supply_basis", asked=asked, basis=rule["basis"], substitute_basis=rule["substitute_basis"],
                used_year=used, value=f.value, unit=f.unit, used=f.id,
                estimated=Text("substitution_estimated") if f.confidence == "unverified" else "")
    return SubstitutionChoice(year, target, f.data_year, f, str(rule["substitute_basis"]), True, (warning(note, f),))


def user_substitution_row(value: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A timeless default-variant 等价值 row (and its source) for ``substitution_factor=``."""
    from .units import Q_

    q = value if hasattr(value, "units") else Q_(str(value))
    if not dict(q.unit_items()):  # a bare number (kgce/kWh itself reduces to a pure ratio)
        raise ValueError(f"substitution_factor={value!r} needs a unit, e.g. '0.28078 kgce/kWh'")
    try:
        kgce = float(q.to("kgce/kWh").magnitude)
    except Exception as exc:
        raise ValueError(f"substitution_factor={value!r} is not a coal rate such as '0.28078 kgce/kWh'") from exc
    row = {"id": "user-electricity-substitution", "carrier": "electricity", "quantity": "tce_coefficient",
           "value": kgce, "unit": "kgce/kWh", "basis": "substitution", "source": USER_SOURCE, "confidence": "verified",
           "note": "等价值 supplied by the user (substitution_factor=), used for every data year."}
    source = {"id": USER_SOURCE, "title": "等价值 of electricity supplied by the user (substitution_factor=)",
              "note": "A province's or the user's own official 等价值 coefficient."}
    return row, source

"""The 两高一低 watch list: :func:`screen_low_efficiency`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ..cells import Failures, Text
from ..defaults import DEFAULT_REGION
from ..errors import InputError, RuleError
from ._input import (
    _S,
    _energy_from_records,
    _find_columns,
    _fmt,
    _fmt_num,
    _half_up,
    _input_error_zh,
    _missing_column,
    _read_numeric,
    _sentence,
)
from .rules import LowEfficiencyRules, _as_low_rules

__all__ = ["screen_low_efficiency"]


def screen_low_efficiency(
    enterprises: pd.DataFrame,
    rules: LowEfficiencyRules | str | Path = "zhuji-2021",
    *,
    energy_threshold_tce: float | None = None,
    co2_threshold_t: float | None = None,
    tax_per_mu_threshold: float | None = None,
    combine: Literal["all", "any_high"] | None = None,
    records: pd.DataFrame | None = None,
    on: str | Sequence[str] | None = None,
    year: int | None = None,
    region: str | None = None,
    columns: Mapping[str, str] | None = None,
    errors: Literal["raise", "report"] = "raise",
) -> pd.DataFrame:
    """The 两高一低 watch list: high energy, high emission (CO2), low benefit (亩均税收).

    Parameters
    ----------
    enterprises : DataFrame
        One row per enterprise: ``energy_tce`` and ``co2_t`` (or ``records`` + ``on``, converted
        with `tanfeng.account`), and ``tax`` (实缴税金, 万元) with ``land_area`` (用地面积, 亩) or
        ``tax_per_mu`` (万元/亩). Chinese headers are understood (`COLUMN_ALIASES`).
    rules : LowEfficiencyRules, str or Path
        ``[low_efficiency.<id>]`` of ``two_high.toml`` (default ``"zhuji-2021"``) or your file.
    energy_threshold_tce, co2_threshold_t, tax_per_mu_threshold : float, optional
        Override a threshold of ``rules`` (their defaults and sources: `LowEfficiencyRules`).
        High = at or above (“以上”); low benefit = at or below (“以下”) with ``inclusive``.
    combine : {"all", "any_high"}, optional
        ``"all"``: high energy and high emission and low benefit; ``"any_high"``: (high energy
        or high emission) and low benefit. Three-valued (Kleene): a missing figure gives NA
        only when it could change the answer.
    records, on, year, region, columns, errors
        As in `screen_two_high`; ``region`` picks the grid factor for electricity CO2 (default:
        the rule set's ``region``, 浙江 for ``zhuji-2021``, else `tanfeng.defaults.DEFAULT_REGION`).

    Returns
    -------
    DataFrame
        The input rows plus ``energy_tce`` and ``co2_t`` (when computed from records),
        ``tax_per_mu``, ``high_energy``, ``high_emission``, ``low_benefit``, ``low_efficiency``
        (boolean with NA), ``reason_code`` and ``reason``.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"企业": ["甲", "乙"], "energy_tce": [1500, 1500], "co2_t": [3900, 3900],
    ...                       "实缴税金": [40, 120], "用地面积": [10, 10]})
    >>> r = screen_low_efficiency(firms)
    >>> r["low_efficiency"].tolist(), r["tax_per_mu"].tolist()
    ([True, False], [4.0, 12.0])
    """
    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    base = _as_low_rules(rules)
    changes = {k: v for k, v in {"energy_threshold_tce": energy_threshold_tce, "co2_threshold_t": co2_threshold_t,
                                 "tax_per_mu_threshold": tax_per_mu_threshold, "combine": combine}.items()
               if v is not None}
    try:
        lr = LowEfficiencyRules.model_validate({**base.model_dump(), **changes}) if changes else base
    except ValidationError as exc:
        raise RuleError(f"low-efficiency thresholds: {exc}") from exc
    region = region or lr.region or DEFAULT_REGION
    index = enterprises.index
    fails, energy, co2, tpm, added, acc_attrs = _read_enterprises(enterprises, columns=columns, records=records, on=on,
                                                                  year=year, region=region, errors=errors)
    e = _half_up(energy, lr.precision)
    c = _half_up(co2, lr.precision)
    tp = _half_up(tpm, lr.tax_per_mu_precision)
    with np.errstate(invalid="ignore"):
        he = _tri(e >= lr.energy_threshold_tce, np.isnan(e) | fails.bad)
        hc = _tri(c >= lr.co2_threshold_t, np.isnan(c) | fails.bad)
        lb = _tri(tp <= lr.tax_per_mu_threshold if lr.inclusive else tp < lr.tax_per_mu_threshold,
                  np.isnan(tp) | fails.bad)
    high = (he & hc) if lr.combine == "all" else (he | hc)
    result = high & lb
    out = enterprises.copy(deep=False)
    for k, v in added.items():
        out[k] = v
    out["tax_per_mu"] = tp
    out["high_energy"] = pd.Series(he, index=index)
    out["high_emission"] = pd.Series(hc, index=index)
    out["low_benefit"] = pd.Series(lb, index=index)
    out["low_efficiency"] = pd.Series(result, index=index)
    res = result.to_numpy(dtype=bool, na_value=False)
    known_false = (~result).to_numpy(dtype=bool, na_value=False)
    lb_false = (~lb).to_numpy(dtype=bool, na_value=False)
    rc = np.select([fails.bad, res, known_false & lb_false, known_false],
                   [fails.first_reasons(), "two_high_one_low", "benefit_not_low", "energy_emission_not_high"],
                   default="data_missing").astype(object)
    out["reason_code"] = pd.Series(rc, index=index, dtype=object)
    out["reason"] = _low_reasons(lr, rc, e, c, tp, he, hc, lb, fails, index)
    if errors == "report":
        out["problem"] = fails.problem_text()
    out.attrs = dict(enterprises.attrs)
    out.attrs["tanfeng"] = {"rules": lr.id, "rules_version": lr.version, "energy_threshold_tce": lr.energy_threshold_tce,
                            "co2_threshold_t": lr.co2_threshold_t, "tax_per_mu_threshold": lr.tax_per_mu_threshold,
                            "combine": lr.combine, "inclusive": lr.inclusive, "sources": sorted(lr.sources),
                            "rows_with_problems": int(fails.bad.sum()),
                            **({"factor_set": acc_attrs.get("factor_set"), "account": acc_attrs} if acc_attrs else {})}
    return out


def _read_enterprises(enterprises: pd.DataFrame, *, columns: Mapping[str, str] | None, records: pd.DataFrame | None,
                      on: str | Sequence[str] | None, year: int | None, region: str | None,
                      errors: Literal["raise", "report"],
                      ) -> tuple[Failures, np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray], dict[str, Any]]:
    """Energy, CO2 and 亩均税收 of every enterprise (from the table, or ``records`` where a column
    is absent); every bad cell goes to the failures, raised at once as `InputError` when
    ``errors="raise"``. Also returns the columns computed from records and the account's attrs."""
    cols = _find_columns(enterprises, columns, ["energy_tce", "co2_t", "tax", "land_area", "tax_per_mu"])
    need = []
    if records is None:
        need += [f for f in ("energy_tce", "co2_t") if f not in cols]
    if "tax_per_mu" not in cols:
        need += [f for f in ("tax", "land_area") if f not in cols]
    if need:
        raise _missing_column(need, "enterprise table")
    fails = Failures(enterprises.index, what="input table")
    energy = _read_numeric(enterprises, cols.get("energy_tce"), fails)
    co2 = _read_numeric(enterprises, cols.get("co2_t"), fails)
    if "tax_per_mu" in cols:
        tpm = _read_numeric(enterprises, cols["tax_per_mu"], fails, negative_ok=True)
    else:
        tax = _read_numeric(enterprises, cols["tax"], fails, negative_ok=True)
        land = _read_numeric(enterprises, cols["land_area"], fails)
        zero = land == 0
        fails.add(zero, cols["land_area"], enterprises[cols["land_area"]].to_numpy(dtype=object),
                  "land_area_not_positive", "用地面积为0，无法计算亩均税收", "核对用地面积")
        with np.errstate(divide="ignore", invalid="ignore"):
            tpm = np.where(zero, np.nan, tax / land)
    added: dict[str, np.ndarray] = {}
    acc_attrs: dict[str, Any] = {}
    if records is not None:
        tot = _energy_from_records(records, on, enterprises, year=year, region=region, co2=True, errors=errors)
        acc_attrs = dict(tot.attrs.get("tanfeng", {}))
        if "energy_tce" not in cols:
            energy = added["energy_tce"] = tot["tce_calorific"].to_numpy(dtype=float)
        if "co2_t" not in cols:
            co2 = added["co2_t"] = tot["co2_t"].to_numpy(dtype=float)
    failures = fails.frame()
    if len(failures) and errors == "raise":
        raise InputError(failures, "enterprise table")
    return fails, energy, co2, tpm, added, acc_attrs


def _tri(values: np.ndarray, unknown: np.ndarray) -> pd.arrays.BooleanArray:
    arr = pd.array(np.asarray(values, dtype=bool), dtype="boolean")
    arr[unknown] = pd.NA
    return arr


def _low_reasons(lr: LowEfficiencyRules, rc: np.ndarray, e: np.ndarray, c: np.ndarray, tp: np.ndarray,
                 he: Any, hc: Any, lb: Any, fails: Failures, index: pd.Index) -> pd.Series:
    """'年综合能耗…（≥1 000，高耗能）；二氧化碳排放…；亩均税收…。列入/不列入…' for every row."""
    def part(vals: np.ndarray, flag: Any, what: str, dec: int, yes: Text, no: Text) -> np.ndarray:
        f = flag.to_numpy(dtype=bool, na_value=False)
        label, unit = str(Text(f"low_label_{what}")), str(Text(f"low_unit_{what}"))
        return np.where(np.isnan(vals), str(Text("low_part_missing", label=label)),
                        _sentence("low_part", label=label, value=_fmt(vals, dec), unit=unit,
                                  judgement=np.where(f, str(yes), str(no)))).astype(_S)

    e_t, c_t, t_t = (_fmt_num(x) for x in (lr.energy_threshold_tce, lr.co2_threshold_t, lr.tax_per_mu_threshold))
    low, not_low = ("≤", ">") if lr.inclusive else ("<", "≥")
    p1 = part(e, he, "energy", lr.precision, Text("low_high_energy", t=e_t), Text("low_not_high_energy", t=e_t))
    p2 = part(c, hc, "co2", lr.precision, Text("low_high_co2", t=c_t), Text("low_not_high_co2", t=c_t))
    p3 = part(tp, lb, "tax", lr.tax_per_mu_precision, Text("low_benefit_low", op=low, t=t_t),
              Text("low_benefit_not_low", op=not_low, t=t_t))
    rule = Text("low_rule_all" if lr.combine == "all" else "low_rule_any")
    verdict = np.select([rc == "two_high_one_low", rc == "benefit_not_low", rc == "energy_emission_not_high"],
                        [str(Text("low_listed", rule=rule)), str(Text("low_tax_not_low")),
                         str(Text("low_not_both_high" if lr.combine == "all" else "low_neither_high"))],
                        default=str(Text("low_undecided")))
    text = _sentence("low_sentence", energy=p1, co2=p2, tax=p3, verdict=verdict)
    if fails.bad.any():
        for p, r in fails.first_rows().iterrows():
            text[p] = _input_error_zh(str(r["reason"]), r["value"], "", str(r["column"]))
    return pd.Series(text.astype(object), index=index, dtype=object)

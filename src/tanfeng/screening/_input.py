"""Reading the input tables (headers, numbers, years, failures) and formatting numbers in text.

Shared by :mod:`.two_high` and :mod:`.low_efficiency`. Strings are built with numpy's string
ufuncs (``np.strings``) over whole columns, never one Python call per row on the hot path.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._resources import find_columns
from ..errors import InputError, TanfengWarning
from .rules import YEAR_RANGE

__all__ = ["COLUMN_ALIASES"]

#: Headers understood for each input field (matched after width/space/bracket folding).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "industry_code": ("industry_code", "行业代码", "国民经济行业代码", "行业分类代码", "所属行业代码",
                      "国民经济行业分类", "行业类别代码"),
    "built_year": ("built_year", "built_date", "建成年份", "建设年份", "投产年份", "建成时间", "投产时间",
                   "建设时间", "建成投产年份"),
    "energy_tce": ("energy_tce", "年综合能耗", "综合能耗", "年综合能源消费量", "综合能源消费量",
                   "年综合能耗吨标准煤", "综合能耗吨标准煤", "年综合能耗tce"),
    "energy_tce_substitution": ("energy_tce_substitution", "年综合能耗等价值", "综合能耗等价值"),
    "energy_tce_calorific": ("energy_tce_calorific", "年综合能耗当量值", "综合能耗当量值"),
    "energy_increment_tce": ("energy_increment_tce", "年综合能耗增量", "综合能耗增量", "新增年综合能耗",
                             "新增能耗", "新增综合能耗"),
    "electricity_kwh": ("electricity_kwh", "用电量kwh", "用电量千瓦时", "年用电量kwh"),
    "electricity_10k_kwh": ("electricity_10k_kwh", "用电量万kwh", "用电量万千瓦时", "年用电量万千瓦时"),
    "co2_t": ("co2_t", "二氧化碳排放量", "碳排放量", "co2排放量", "二氧化碳排放量吨"),
    "tax": ("tax", "实缴税金", "税收", "评价税收", "实缴税金万元", "税收万元"),
    "land_area": ("land_area", "用地面积", "实际用地面积", "用地面积亩", "实际用地面积亩", "土地使用权面积"),
    "tax_per_mu": ("tax_per_mu", "亩均税收", "亩均税收万元亩"),
}

#: Reason codes of the ``reason_code`` column and of `InputError` failures.


def _find_columns(df: pd.DataFrame, columns: Mapping[str, str] | None, fields: Sequence[str]) -> dict[str, str]:
    return find_columns(df.columns, {f: COLUMN_ALIASES.get(f, (f,)) for f in fields}, columns)


def _missing_column(fields: Sequence[str], what: str) -> InputError:
    rows = [("<table>", f, None, "column_missing", f"the table has no {f!r} column (or {list(COLUMN_ALIASES.get(f, ())[1:4])})",
             f"rename a column or pass columns={{{f!r}: '<your header>'}}") for f in fields]
    return InputError(pd.DataFrame(rows, columns=["row", "column", "value", "reason", "message", "suggestion"]), what)


def _numbers(col: pd.Series, *, allow_wan: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Float values (NaN = missing) and a reason array ('' fine, 'value_not_numeric')."""
    n = len(col)
    reasons = np.full(n, "", dtype=object)
    if pd.api.types.is_bool_dtype(col.dtype):
        return np.full(n, np.nan), np.full(n, "value_not_numeric", dtype=object)
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype=float, na_value=np.nan), reasons
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    vals = np.full(len(uniques) + 1, np.nan)
    why = np.full(len(uniques) + 1, "", dtype=object)
    for i, u in enumerate(uniques):
        if isinstance(u, bool):
            why[i] = "value_not_numeric"
            continue
        if isinstance(u, int | float | np.number):
            vals[i] = float(u)
            continue
        t = unicodedata.normalize("NFKC", str(u)).strip().replace(",", "").replace(" ", "")
        mult = 1.0
        if allow_wan and t.endswith("万"):
            mult, t = 1e4, t[:-1]
        if not t:
            continue
        try:
            vals[i] = float(t) * mult
        except ValueError:
            why[i] = "value_not_numeric"
    idx = np.where(codes < 0, len(uniques), codes)
    return vals[idx], why[idx]


_YEAR_RE = re.compile(r"^(\d{4})(?:$|\s*年|[-/.]\d{1,2}|\.0+$)")


def _years(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build years (float, NaN = missing) from years, dates or text such as '2019年3月', with the
    masks of unreadable values and of years outside `YEAR_RANGE`."""
    n = len(col)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        y = col.dt.year.to_numpy(dtype=float, na_value=np.nan)
        invalid = np.zeros(n, dtype=bool)
    elif pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        y = col.to_numpy(dtype=float, na_value=np.nan)
        invalid = ~np.isnan(y) & (y != np.round(y))
    else:
        codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
        uy = np.full(len(uniques) + 1, np.nan)
        ubad = np.zeros(len(uniques) + 1, dtype=bool)
        for i, u in enumerate(uniques):
            if hasattr(u, "year") and not isinstance(u, str):
                uy[i] = float(u.year)
            elif isinstance(u, int | float | np.number) and not isinstance(u, bool):
                uy[i], ubad[i] = (float(u), False) if float(u) == round(float(u)) else (np.nan, True)
            else:
                t = unicodedata.normalize("NFKC", str(u)).strip()
                m = _YEAR_RE.match(t)
                if m:
                    uy[i] = float(m.group(1))
                elif t:
                    ubad[i] = True
        idx = np.where(codes < 0, len(uniques), codes)
        y, invalid = uy[idx], ubad[idx]
    with np.errstate(invalid="ignore"):
        out = ~invalid & ~np.isnan(y) & ((y < YEAR_RANGE[0]) | (y > YEAR_RANGE[1]))
    return np.where(invalid | out, np.nan, y), invalid, out


class _Fails:
    """Failures collected pandera-style: one row per (row, column) problem."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(index), dtype=bool)
        self.first = np.full(len(index), "", dtype=object)

    def add(self, mask: np.ndarray, column: str, values: np.ndarray, reasons: np.ndarray | str,
            message: np.ndarray | str, suggestion: np.ndarray | str = "") -> None:
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        pick = lambda x: x[pos] if isinstance(x, np.ndarray) else x  # noqa: E731
        self.parts.append(pd.DataFrame({"pos": pos, "column": column, "value": values[pos],
                                        "reason": pick(reasons), "message": pick(message),
                                        "suggestion": pick(suggestion)}))
        self.first[pos] = np.where(self.first[pos] == "", pick(reasons), self.first[pos])
        self.bad |= mask

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["row", "column", "value", "reason", "message", "suggestion"])
        f = pd.concat(self.parts, ignore_index=True).sort_values(["pos", "column"], kind="stable")
        f.insert(0, "row", self.index.to_numpy()[f["pos"].to_numpy()])
        return f.drop(columns="pos").reset_index(drop=True)

    def first_rows(self) -> pd.DataFrame:
        """The first failure of each bad row, indexed by position."""
        f = pd.concat(self.parts, ignore_index=True)
        return f.groupby("pos", sort=False).head(1).set_index("pos")

    def problem_text(self) -> pd.Series:
        text = np.full(len(self.index), "", dtype=object)
        if self.parts:
            f = pd.concat(self.parts, ignore_index=True)
            joined = (f["reason"] + ": " + f["message"].astype(str)).groupby(f["pos"]).agg("; ".join)
            text[joined.index.to_numpy()] = joined.to_numpy()
        return pd.Series(text, index=self.index, dtype=object)


def _read_numeric(df: pd.DataFrame, col: str | None, fails: _Fails, *, allow_wan: bool = False,
                  negative_ok: bool = False, zh: str = "数值") -> np.ndarray:
    if col is None:
        return np.full(len(df), np.nan)
    vals, why = _numbers(df[col], allow_wan=allow_wan)
    raw = df[col].to_numpy(dtype=object)
    fails.add(why == "value_not_numeric", col, raw, "energy_not_numeric" if col and zh == "能耗" else "value_not_numeric",
              f"{zh}不是数字", "写成纯数字，如 1200 或 1,200")
    with np.errstate(invalid="ignore"):
        neg = (vals < 0) & (not negative_ok)
        inf = np.isinf(vals)
    fails.add(neg, col, raw, "energy_negative" if zh == "能耗" else "value_negative", f"{zh}为负数", "核对数值")
    fails.add(inf, col, raw, "value_not_numeric", f"{zh}为无穷大", "核对数值")
    return np.where(neg | inf | (why != ""), np.nan, vals)


def _energy_from_records(records: pd.DataFrame, on: str | Sequence[str] | None, keys: pd.DataFrame,
                         *, year: int | None, region: str | None, co2: bool, errors: str) -> pd.DataFrame:
    """Per-row totals (tce at both bases, CO2) of ``records`` matched to ``keys`` rows."""
    from ..accounting import account

    if on is None:
        raise ValueError("records= needs on= (the id column(s) shared by the table and the records)")
    on_cols = [on] if isinstance(on, str) else list(on)
    for c in on_cols:
        if c not in records.columns or c not in keys.columns:
            raise KeyError(f"on={c!r} must be a column of both the table and the records")
    acc = account(records, basis="both", region=region, year=year, co2=co2, errors=errors)
    vals = ["tce_calorific", "tce_substitution", *(["co2_t"] if co2 else [])]
    keys_of = [acc[c] for c in on_cols]
    tot = acc[vals].groupby(keys_of, sort=False, dropna=False).sum(min_count=1)
    tot = tot.mask(acc[vals].isna().groupby(keys_of, sort=False, dropna=False).any())  # a bad record spoils its total
    key_index = pd.MultiIndex.from_frame(keys[on_cols]) if len(on_cols) > 1 else pd.Index(keys[on_cols[0]])
    unmatched = ~tot.index.isin(key_index)
    if unmatched.any():
        warnings.warn(f"{int(unmatched.sum())} id(s) in records have no row in the table "
                      f"(first: {list(tot.index[unmatched][:5])})", TanfengWarning, stacklevel=3)
    out = tot.reindex(key_index)
    out.index = keys.index
    out.attrs = acc.attrs
    return out


def _half_up(x: np.ndarray, decimals: int) -> np.ndarray:
    """Round half away from zero at ``decimals`` after trimming binary noise (999.95 -> 1000.0)."""
    scale = 10.0 ** decimals
    y = np.round(x * scale, 6)
    return np.sign(y) * np.floor(np.abs(y) + 0.5) / scale


_S = np.dtypes.StringDType()


def _cat(*parts: Any) -> np.ndarray:
    """Concatenate strings and string arrays element-wise (numpy string ufuncs, no Python loop)."""
    out = np.asarray(parts[0], dtype=_S)
    for p in parts[1:]:
        out = np.strings.add(out, np.asarray(p, dtype=_S))
    return out


def _fmt(x: np.ndarray, decimals: int) -> np.ndarray:
    """'1 000.0' style numbers (a space between thousands), vectorised; '' for NaN."""
    x = np.asarray(x, dtype=float)
    nan = ~np.isfinite(x)
    scaled = np.rint(np.abs(np.where(nan, 0.0, x)) * 10.0 ** decimals).astype(np.int64)
    ip, fp = np.divmod(scaled, 10 ** decimals)
    rest = ip // 1000
    out = np.where(rest > 0, np.strings.zfill((ip % 1000).astype(_S), 3), (ip % 1000).astype(_S))
    while (rest > 0).any():
        higher = rest // 1000
        group = np.where(higher > 0, np.strings.zfill((rest % 1000).astype(_S), 3), (rest % 1000).astype(_S))
        out = np.where(rest > 0, _cat(group, " ", out), out)
        rest = higher
    if decimals:
        out = _cat(out, ".", np.strings.zfill(fp.astype(_S), decimals))
    out = np.where((x < 0) & (scaled > 0), _cat("-", out), out)
    return np.where(nan, "", out).astype(_S)


def _fmt_num(v: float) -> str:
    """A threshold as written: '1 000' for whole numbers, else '1 000.5'."""
    frac = np.format_float_positional(float(v)).split(".")[1]
    return str(_fmt(np.array([v], dtype=float), len(frac))[0])


def _gather(values: Mapping[float, str], keys: np.ndarray) -> np.ndarray:
    """Strings for a float array taking few distinct values (NaN -> '')."""
    if not len(keys):
        return np.array([], dtype=_S)
    filled = np.where(np.isnan(keys), -np.inf, keys)
    uniq, inv = np.unique(filled, return_inverse=True)
    table = np.array([values.get(float(u), "") for u in uniq], dtype=_S)
    return table[inv.reshape(-1)]


_INPUT_ZH = {
    "industry_code_unknown": "行业代码“{v}”不是GB/T 4754-2017代码，无法判断",
    "industry_code_malformed": "行业代码“{v}”无法识别（应为2–4位数字，可带门类字母），无法判断",
    "industry_section_mismatch": "行业代码“{v}”的门类字母与代码不符，无法判断",
    "industry_name_mismatch": "行业代码“{v}”的代码与名称不符，无法判断",
    "energy_not_numeric": "能耗“{v}”不是数字，无法判断",
    "value_not_numeric": "{c}“{v}”不是数字，无法判断",
    "energy_negative": "能耗“{v}”为负数，无法判断",
    "value_negative": "{c}“{v}”为负数，无法判断",
    "built_year_invalid": "建成时间“{v}”无法识别，无法判断",
    "built_year_out_of_range": "建成年份“{v}”不在合理范围内，无法判断",
    "land_area_not_positive": "用地面积为{v}，无法计算亩均税收，无法判断",
}


def _input_error_zh(reason: str, value: Any, suggestion: str, column: str = "数值") -> str:
    s = _INPUT_ZH.get(reason, "{c}输入有误（{v}），无法判断").format(v=value, c=column)
    if suggestion and reason.startswith("industry"):
        s += "；相近代码：" + suggestion
    return s

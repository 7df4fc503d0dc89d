"""The statement's lines: one per energy record, built from `account` results and factor rows.

`build_statement` runs :func:`tanfeng.account` on both bases (当量值 and 等价值) and turns each
row into a `StatementLine`: the quantity as given, its category (燃料动力 / 原料用能 / 外供) and, for each
result (tce on each basis, tCO2), the chain of terms that multiply it (see `chains`). The
writers (`xlsx`, `text`) only lay these lines out.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from typing_extensions import Unpack

from ..accounting import AccountOptions
from ..cells import say
from ..factors import Factor, FactorSet, normalize_basis
from .chains import MEASURED_NCV, Term, co2_chain, factors_by_id, product, tce_chain
from .labels import LANGUAGES, joined

#: Bases of the statement (account's basis); each is named by ``statement_basis_<basis>``.
BASES: tuple[str, ...] = ("calorific", "substitution")
#: Scopes of CO2; each is named by ``statement_scope_<scope>``.
SCOPES: tuple[int, ...] = (1, 2)
#: The computed parts of a statement: key -> (number, formula text, result unit); the title is
#: ``statement_part_<key>``.
PARTS: dict[str, tuple[str, str, str]] = {
    "calorific": ("2", "statement_formula_tce", "tce"), "substitution": ("3", "statement_formula_tce", "tce"), "co2": ("4", "statement_formula_co2", "tCO2"),
}


def basis_label(basis: str, lang: str) -> str:
    """当量值 / ``calorific basis (当量值)`` (``basis`` as account names it, or ``"any"``)."""
    return say(f"statement_basis_{basis}", lang)


def category(cat: str, lang: str) -> str:
    """The label of a line's category (``energy`` / ``feedstock`` / ``output``): 燃料动力 …"""
    return say(f"statement_category_{cat}", lang)


def scope_label(scope: int, lang: str) -> str:
    """范围一（直接燃烧） / ``scope 1 (direct combustion)``."""
    return say(f"statement_scope_{scope}", lang)


def part(which: str, lang: str) -> tuple[str, str, str, str]:
    """(number, title, the formula in words, result unit) of a computed part, in ``lang``."""
    num, formula, unit = PARTS[which]
    return say(f"statement_num_{num}", lang), say(f"statement_part_{which}", lang), say(formula, lang), unit


@dataclass
class StatementLine:
    """One energy record of the statement and its computations."""

    position: int                      # row position in the records
    label: Any                         # the records' index label
    carrier: str                       # as given
    carrier_name: str                  # canonical name, in the statement's language
    quantity: float                    # as given (parsed), positive
    unit: str                          # as given
    category: str                      # energy | feedstock | output
    ids: dict[str, Any] = field(default_factory=dict)          # other columns that vary (年份, 月份)
    tce: dict[str, list[Term] | None] = field(default_factory=dict)  # basis -> chain
    tce_value: dict[str, float] = field(default_factory=dict)        # basis -> account's value
    co2: list[Term] | None = None
    co2_value: float = math.nan
    scope: int | None = None
    problem: str = ""

    def chain(self, which: str) -> list[Term] | None:
        """The chain of ``"calorific"``, ``"substitution"`` or ``"co2"``."""
        return self.co2 if which == "co2" else self.tce.get(which)

    @property
    def sign(self) -> int:
        """-1 for 外供 (subtracted), else +1."""
        return -1 if self.category == "output" else 1


@dataclass
class EntityStatement:
    """The lines and totals of one entity (one sheet)."""

    key: tuple[Any, ...]
    title: str
    constants: dict[str, Any]          # columns with one value for the entity (信用代码, 镇街)
    lines: list[StatementLine]
    totals: dict[str, float]           # from account(): the figures the sheet must reproduce


@dataclass
class Statement:
    """Everything a 计算书 shows: entities, the factors used and the run's provenance."""

    entities: list[EntityStatement]
    factors: list[Factor]
    factor_set: str
    arguments: dict[str, Any]
    fallbacks: list[str]
    co2: bool
    sources: list[dict[str, str]] = field(default_factory=list)   # documents cited by the factors
    substitution: list[dict[str, Any]] = field(default_factory=list)  # 等价值 of electricity per data year
    carrier_names: dict[str, str] = field(default_factory=dict)  # carrier id -> 中文名
    keys: pd.DataFrame | None = None  # tanfeng.explain of the entities written: 计算依据 per key
    lang: str = "zh"  # the language of every text of the statement

    @property
    def region_label(self) -> str:
        """The statement's grid region as a reader names it (national: 全国 / China (national))."""
        from ..regions import default_regions

        return default_regions().label(self.arguments.get("region"), self.lang)


def _parse_quantities(col: pd.Series) -> np.ndarray:
    """The quantities as account() reads them (the one cell reader, `tanfeng.cells`)."""
    from ..cells import read_quantities

    values, _ = read_quantities(col)
    return np.asarray(values, dtype=float)


def _per_unit(result: np.ndarray, signed_q: np.ndarray, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], float]:
    """The multiplier `account` applied per unit of each key (from a row with a non-zero quantity)."""
    out: dict[tuple[Any, ...], float] = {}
    for k, r, q in zip(keys, result, signed_q):
        if k not in out or (math.isnan(out[k]) and q and np.isfinite(r)):
            out[k] = float(r) / float(q) if q and np.isfinite(r) and np.isfinite(q) else math.nan
    return out


def build_statement(
    records: pd.DataFrame,
    *,
    by: str | Sequence[str] = "企业",
    only: Any = None,
    lang: str | None = None,
    **options: Unpack[AccountOptions],
) -> Statement:
    """The statement's model: lines per entity with their factor chains and account()'s totals.

    ``options`` as :func:`tanfeng.account` takes them (`AccountOptions`; both bases are always
    computed, a ``basis`` given is only checked; ``substitution_factor`` is applied as account()
    applies it, `tanfeng.accounting.with_substitution_factor`) plus ``by`` (the entity column or
    columns; ``"企业"`` also finds ``enterprise``) and ``only`` (one entity's value, or a list of
    values). When an entity's records span several years (a ``year`` column not in ``by``), each
    year is its own statement. ``lang`` (``"zh"`` or ``"en"``; default `tanfeng.cells.get_language`)
    is the language of its texts, and of account()'s problems and notes shown in it. Records read
    with ``read_records(..., errors="report")`` keep their reading problems (``problem``) on their
    lines, left out of the totals.
    """
    from ..accounting import account, with_substitution_factor
    from ..cells import get_language, language

    lang = lang or get_language()
    if lang not in LANGUAGES:
        raise ValueError(f"lang={lang!r}: a statement is written in {' or '.join(LANGUAGES)}")
    if "basis" in options:
        normalize_basis(options.pop("basis"))  # a wrong basis is still an error
    fs = with_substitution_factor(options.pop("factors", None), options.pop("substitution_factor", None))
    by_cols = _by_columns(records, by)
    if only is not None:
        _check_only(records, by_cols, only)
    kw: dict[str, Any] = {**options, "factors": fs}
    records, read_problems = _reading_problems(records)
    with language(lang), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cal = account(records, basis="当量值", **kw)
        sub = account(records, basis="等价值", **{**kw, "co2": False})
        fallbacks = list(dict.fromkeys(str(w.message) for w in caught))
    run = cal.attrs["tanfeng"]  # the options as account() took them, its defaults filled in
    co2, year, errors = bool(run["co2"]), run["year"], run["errors"]
    cal, sub = _with_problems(cal, read_problems), _with_problems(sub, read_problems)
    for w in {str(w.message): w for w in caught}.values():
        warnings.warn(w.message, stacklevel=2)  # the warning itself: its code and fields, said in the reader's language
    cols = cal.attrs["tanfeng"]["columns"]
    lines = _lines(records, cal, sub, cols, fs, co2, lang)
    groups = _groups(records, by_cols, cols, only)
    entities = [_entity(key, pos, lines, records, by_cols, cols, cal, sub, co2, lang) for key, pos in groups]
    used = sorted({t.factor_id for e in entities for ln in e.lines
                   for chain in [*ln.tce.values(), ln.co2] if chain for t in chain if t.kind == "factor" and t.factor_id})
    by_id = factors_by_id(fs)
    factor_rows = [by_id[i] for i in used if i in by_id]
    with language(lang):  # its notes (回退) in the statement's language
        keys = _explain(records, entities, {k: v for k, v in kw.items() if k != "co2"}, co2, lang)
    names = carrier_names(fs, lang)
    if keys is not None:
        keys[key_head("carrier", lang)] = [names.get(str(c), str(c)) for c in keys[key_head("carrier", lang)]]
    sources = []
    for sid in dict.fromkeys(f.source for f in factor_rows if f.source):
        try:
            sources.append(fs.source(sid))
        except KeyError:
            sources.append({"id": sid, "title": sid})
    return Statement(entities, factor_rows, fs.version,
                     {"by": by_cols, "region": run["region"], "year": year, "errors": errors,
                      "co2": co2, "columns": dict(cols)}, fallbacks, co2, sources,
                     list(sub.attrs["tanfeng"].get("substitution", [])), names, keys, lang)


def carrier_names(fs: FactorSet, lang: str) -> dict[str, str]:
    """Carrier id -> its name in ``lang`` (原煤 / raw coal; an English name missing: the id)."""
    return {c.id: (c.name_en or c.id) if lang == "en" else c.name_zh for c in fs.carriers}


#: Columns of the key table (`tanfeng.explain`) shown on 依据, each headed ``statement_key_<column>``.
KEY_COLUMNS = ("carrier", "unit", "year", "region", "rows", "scope", "tce_per_unit_calorific", "tce_factor_calorific",
               "tce_per_unit_substitution", "tce_factor_substitution", "co2_per_unit", "co2_factor", "confidence",
               "fallback")


def key_head(column: str, lang: str) -> str:
    """The header of a key-table column on 依据: 能源品种 / energy carrier."""
    return say(f"statement_key_{column}", lang)


def is_blank(v: Any) -> bool:
    """None, NaN, pd.NA or NaT (a text is never blank here)."""
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def _explain(records: pd.DataFrame, entities: list[EntityStatement], kw: Mapping[str, Any],
             co2: bool, lang: str) -> pd.DataFrame | None:
    """`tanfeng.explain` of the records written (both bases): which factor for which key, on how many rows."""
    from ..accounting import explain

    pos = sorted(ln.position for e in entities for ln in e.lines)
    if not pos:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # already said once by account()
        table = explain(records.iloc[pos], basis="both", co2=co2, **{k: v for k, v in kw.items() if k != "errors"})
    shown = [c for c in KEY_COLUMNS if c in table.columns]
    return table[shown].rename(columns={c: key_head(c, lang) for c in shown})


def _reading_problems(records: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Records read with ``errors="report"`` carry a ``problem`` column (the bad cell left empty):
    the records without it, for account(), and each row's reading problem ("" for none)."""
    if "problem" not in records.columns:
        return records, []
    return records.drop(columns="problem"), ["" if is_blank(p) else str(p) for p in records["problem"]]


def _with_problems(result: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """account()'s result with each row of a reading problem showing it, left out of the totals
    (as ``errors="report"`` leaves out a row account() itself finds bad)."""
    bad = np.array([bool(p) for p in problems], dtype=bool)
    if not bad.any():
        return result
    out = result.copy()
    for c in ("tce", "tce_excl_feedstock", "co2_t"):
        if c in out.columns:
            out.loc[out.index[bad], c] = np.nan
    own = out["problem"].tolist() if "problem" in out.columns else [""] * len(out)
    out["problem"] = ["; ".join(x for x in (p, "" if is_blank(o) else str(o)) if x) for p, o in zip(problems, own)]
    return out


def _by_columns(records: pd.DataFrame, by: str | Sequence[str]) -> list[str]:
    """The records' own headers for ``by``: as written, or through the one alias table
    (``factors/rules/headers.csv``: ``企业`` finds ``enterprise`` and ``企业名称``)."""
    from ..cells import find_columns
    from ..io import load_headers

    specs = load_headers().values()
    wanted = [by] if isinstance(by, str) else list(by)
    out = []
    for b in wanted:
        std = next((spec.standard for spec in specs if b == spec.standard or b in spec.aliases), None)
        hit = b if b in records.columns else (find_columns(records, [std]).get(std) if std else None)
        if hit is None:
            import difflib

            from ..errors import UnknownNameError

            have = [str(c) for c in records.columns]
            raise UnknownNameError(b, difflib.get_close_matches(str(b), have, 3, 0.3) or have,
                                   kind="column for by=")
        out.append(hit)
    return out


def _only(only: Any) -> set[str]:
    return {str(x) for x in (only if isinstance(only, list | tuple | set) else [only])}


def _check_only(records: pd.DataFrame, by_cols: list[str], only: Any) -> None:
    """Fail fast, before any accounting, when ``only`` names no entity (with the closest names)."""
    import difflib

    from ..errors import UnknownNameError

    names = [str(x) for x in records[by_cols[0]].dropna().unique()]
    for name in sorted(_only(only) - set(names)):
        raise UnknownNameError(name, difflib.get_close_matches(name, names, 3, 0.3),
                               kind=f"entity (column {by_cols[0]!r})")


def _groups(records: pd.DataFrame, by_cols: list[str], cols: Mapping[str, str], only: Any) -> list[tuple[tuple[Any, ...], np.ndarray]]:
    keys = list(by_cols)
    ycol = cols.get("year")
    if ycol and ycol not in keys and records.groupby(by_cols, sort=False)[ycol].nunique().max() > 1:
        keys.append(ycol)
    g = records.reset_index(drop=True).groupby(keys, sort=False, dropna=False).indices
    out = [((k if isinstance(k, tuple) else (k,)), np.asarray(v)) for k, v in g.items()]
    if only is not None:
        wanted = _only(only)
        out = [(k, v) for k, v in out if str(k[0]) in wanted or " ".join(map(str, k)) in wanted]
    return out


def _lines(records: pd.DataFrame, cal: pd.DataFrame, sub: pd.DataFrame, cols: Mapping[str, str],
           fs: FactorSet, co2: bool, lang: str) -> list[StatementLine]:
    """One `StatementLine` per record, chains built once per distinct key."""
    n = len(records)
    q = _parse_quantities(records[cols["quantity"]])
    tce = cal["tce"].to_numpy(dtype=float, na_value=np.nan)
    excl = cal["tce_excl_feedstock"].to_numpy(dtype=float, na_value=np.nan)
    category = np.where(tce < 0, "output", np.where((tce != 0) & (excl == 0), "feedstock", "energy"))
    sign = np.where(category == "output", -1.0, 1.0)
    units = records[cols["unit"]].astype(str).str.strip().tolist()
    ncv = records[cols["ncv"]].astype(str).str.strip().tolist() if "ncv" in cols else [None] * n
    by_id = factors_by_id(fs)
    names = carrier_names(fs, lang)
    cid = cal["carrier_id"].astype(object).tolist()
    problem = cal["problem"].tolist() if "problem" in cal else [""] * n
    results = {"calorific": (cal, tce), "substitution": (sub, sub["tce"].to_numpy(dtype=float, na_value=np.nan))}
    measured = [i == MEASURED_NCV for i in cal["tce_factor"].astype(object).tolist()]
    chains: dict[str, list[list[Term] | None]] = {}
    for b, (res, vals) in results.items():
        ids = res["tce_factor"].astype(object).tolist()
        keys = [(i, u, v if m else None) for i, u, v, m in zip(ids, units, ncv, measured)]
        per = _per_unit(vals, sign * q, keys)

        def make(k: tuple[Any, ...], b: str = b, per: dict[tuple[Any, ...], float] = per) -> list[Term]:
            return tce_chain(by_id, k[0], k[1], per[k], basis_label(b, lang), k[2], lang)

        chains[b] = _chains(keys, [not isinstance(k[0], str) or bool(problem[j]) for j, k in enumerate(keys)], make)
    co2_chains: list[list[Term] | None] = [None] * n
    co2_vals = cal["co2_t"].to_numpy(dtype=float, na_value=np.nan)
    if co2:
        # a row with a measured NCV: account() applied it in place of the default NCV its id names
        ids = [_with_measured_ncv(i, by_id) if m and isinstance(i, str) else i
               for i, m in zip(cal["co2_factor"].astype(object).tolist(), measured)]
        keys = [(i, u, v if m else None) for i, u, v, m in zip(ids, units, ncv, measured)]
        burnt = category != "feedstock"
        per = _per_unit(np.where(burnt, co2_vals, np.nan), sign * q, keys)
        skip = [not isinstance(k[0], str) or not k[0] or bool(problem[j]) or not burnt[j] for j, k in enumerate(keys)]
        co2_chains = _chains(keys, skip, lambda k: co2_chain(by_id, k[0], k[1], per.get(k, math.nan), k[2], lang))
    scope = cal["scope"].astype("Int64").tolist()
    carriers = records[cols["carrier"]].astype(str).tolist()
    out = []
    for j in range(n):
        out.append(StatementLine(
            position=j, label=records.index[j], carrier=carriers[j], carrier_name=names.get(cid[j], str(cid[j])),
            quantity=float(q[j]), unit=units[j], category=str(category[j]),
            tce={b: chains[b][j] for b in BASES}, tce_value={b: float(results[b][1][j]) for b in BASES},
            co2=co2_chains[j], co2_value=float(co2_vals[j]),
            scope=None if scope[j] is pd.NA else int(scope[j]), problem=str(problem[j] or "")))
    return out


def _chains(keys: list[tuple[Any, ...]], skip: list[bool],
            make: Callable[[tuple[Any, ...]], list[Term]]) -> list[list[Term] | None]:
    """One chain per row, built once per distinct key."""
    memo: dict[tuple[Any, ...], list[Term]] = {}
    out: list[list[Term] | None] = []
    for k, s in zip(keys, skip):
        if s:
            out.append(None)
            continue
        if k not in memo:
            memo[k] = make(k)
        out.append(memo[k])
    return out


def _with_measured_ncv(co2_id: str, by_id: Mapping[str, Factor]) -> str:
    """``ncv-id+cc-id+of-id`` -> ``measured-ncv+cc-id+of-id`` (the chain is checked afterwards)."""
    parts = [p for p in co2_id.split("+") if p != MEASURED_NCV and not (p in by_id and by_id[p].quantity == "ncv")]
    return "+".join([MEASURED_NCV, *parts])


def _entity(key: tuple[Any, ...], pos: np.ndarray, lines: list[StatementLine], records: pd.DataFrame, by_cols: list[str],
            cols: Mapping[str, str], cal: pd.DataFrame, sub: pd.DataFrame, co2: bool, lang: str) -> EntityStatement:
    """The lines of one entity, the id columns that vary among them, and account()'s totals."""
    part = records.iloc[pos]
    std = set(cols.values()) | set(by_cols)
    constants, varying = {}, []
    for c in part.columns:
        if c in std and c != cols.get("year"):
            continue
        vals = part[c].dropna().unique()
        if len(vals) == 1 and c not in by_cols:
            constants[str(c)] = vals[0]
        elif len(vals) > 1:
            varying.append(c)
    own = [lines[p] for p in pos]
    for ln, (_, row) in zip(own, part[varying].iterrows()):
        ln.ids = {str(c): row[c] for c in varying}
    c_tce = cal["tce"].iloc[pos].to_numpy(dtype=float, na_value=np.nan)
    c_ex = cal["tce_excl_feedstock"].iloc[pos].to_numpy(dtype=float, na_value=np.nan)
    s_tce = sub["tce"].iloc[pos].to_numpy(dtype=float, na_value=np.nan)
    s_ex = sub["tce_excl_feedstock"].iloc[pos].to_numpy(dtype=float, na_value=np.nan)
    totals = {"tce_calorific": np.nansum(c_tce), "tce_substitution": np.nansum(s_tce),
              "tce_calorific_excl_feedstock": np.nansum(c_ex), "tce_substitution_excl_feedstock": np.nansum(s_ex)}
    if co2:
        co2v = cal["co2_t"].iloc[pos].to_numpy(dtype=float, na_value=np.nan)
        sc = cal["scope"].iloc[pos].astype("Int64").fillna(0).to_numpy()
        totals |= {"co2_scope1": np.nansum(np.where(sc == 1, co2v, 0.0)),
                   "co2_scope2": np.nansum(np.where(sc == 2, co2v, 0.0)), "co2_t": np.nansum(co2v)}
    title = " ".join(str(k) for k in key[: len(by_cols)])
    if len(key) > len(by_cols):
        title = say("statement_entity_year", lang, entity=title, year=key[-1])
    return EntityStatement(key, title, constants, own, {k: float(v) for k, v in totals.items()})


def label(column: str, lang: str = "zh") -> str:
    """The label of a column in ``lang`` (``year`` -> 年份; the user's own headers as they are)."""
    from ..io import header_label

    return header_label(str(column), None, lang=lang)


def subject(e: EntityStatement, st: Statement) -> str:
    """``核算对象：企业名称 = 甲；统一社会信用代码：…；所属乡镇：…`` in the statement's language."""
    lang = st.lang
    parts = [say("statement_subject", lang, by=" / ".join(label(b, lang) for b in st.arguments["by"]), entity=e.title)]
    parts += [say("statement_field", lang, label=label(k, lang), value=v) for k, v in e.constants.items()]
    return joined(parts, lang)


#: Columns of the 等价值 table on 依据 (one row per data year of electricity), each a text code.
SUBSTITUTION_COLUMNS = ("statement_col_data_year", "statement_col_coal_rate_year", "statement_col_used_year", "statement_col_value", "statement_col_short_unit",
                        "statement_col_factor_id", "statement_col_basis", "statement_col_substituted", "statement_col_rule")


def substitution_heads(lang: str) -> list[str]:
    """The headers of the 等价值 table on 依据."""
    return [say(c, lang) for c in SUBSTITUTION_COLUMNS]


def substitution_row(rec: Mapping[str, Any], lang: str = "zh") -> list[Any]:
    """One record of ``attrs["tanfeng"]["substitution"]`` as the 依据 table's row."""
    return [rec.get("data_year"), rec.get("coal_rate_year"), rec.get("used_year"), rec.get("value"), rec.get("unit"),
            rec.get("factor_id"), rec.get("basis"), say("statement_yes" if rec.get("substituted") else "statement_no", lang), rec.get("rule")]


def not_shown(ln: StatementLine, which: str, lang: str) -> str:
    """Why a line has no chain for ``which``: its problem, 原料用能 (no combustion CO2), or not computed."""
    if ln.problem:
        return ln.problem
    return say("statement_feedstock_not_burnt" if which == "co2" and ln.category == "feedstock" else "statement_not_computed", lang)


def check_lines(statement: Statement) -> None:
    """Assert every line's chains reproduce account()'s values (a guard for the writers)."""
    for e in statement.entities:
        for ln in e.lines:
            for b, chain in ln.tce.items():
                if chain is not None:
                    got = ln.sign * ln.quantity * product(chain)
                    if not math.isclose(got, ln.tce_value[b], rel_tol=1e-9, abs_tol=1e-12):
                        raise AssertionError(f"{e.title} row {ln.label}: {got} != {ln.tce_value[b]} ({b})")

"""`account`, `explain` and `summarize` on a dask DataFrame: the same stages, one partition at a time.

A table too large for one machine's memory (partitioned parquet, a province's 联网直报 export)
is read with dask and passed to the same functions as a pandas table:

* `account_partitioned` runs the stages of `tanfeng.accounting.stages` in two places. **On the
  client**, one cheap pass over the key columns (carrier, unit, year, region, pressure,
  temperature — only those columns are read) collects their distinct values over every
  partition, so a key that first appears in the last file is among them; those few rows are read
  (`read_cells`), encoded (`encode_keys`) and resolved (`resolve_keys`) once, and each fallback
  is said once, here (`FactorFallbackWarning`). The resolved key table travels to the workers as
  one task that every partition depends on. **Each partition** then reads its cells, matches its
  keys against that table by value (`apply_keys(..., same_keys=False)`, i.e. `match_keys`),
  gathers × multiplies and assembles the output (`account_with_keys`): no key is resolved on a
  worker, and no warning is said there. The result has the same columns, dtypes and values as
  the pandas path.
* `explain_partitioned` counts the rows per resolved key on the workers and returns the
  计算依据 table in pandas.
* `summarize_partitioned` sums each group on the workers and returns the small pandas table.

Row labels are global: a table whose index restarts in each file (no known divisions, a plain
RangeIndex) is numbered 0 … n−1 across partitions, as ``pd.concat(parts, ignore_index=True)``
would; a table with known divisions keeps its labels. So an `InputError` raised by a partition
names rows as the whole table does.

dask is an optional extra (``pip install "tanfeng[dask]"``): this module imports it only when a
dask DataFrame is passed, and ``import tanfeng`` never imports it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures, get_language, set_language
from ..factors import FactorSet, normalize_basis
from .stages import (
    KEY_COLUMNS,
    MEASURED_NCV,
    apply_keys,
    assemble,
    encode_keys,
    match_keys,
    read_cells,
    resolve_keys,
    with_measured_ncv,
)
from .summary import _finish, _label_blank, _prepare
from .table import account, explain_table, key_provenance, warn_fallbacks

#: Partial group tables summed together in one task of the tree: fewer keep a worker's memory
#: low when every partition holds most groups (enterprise × month), more make fewer levels.
SPLIT_EVERY = 4


def is_dask_frame(obj: object) -> bool:
    """A dask DataFrame, told by its type's module, so that checking never imports dask."""
    return type(obj).__module__.split(".", 1)[0] == "dask" and hasattr(obj, "map_partitions")


@dataclass
class ClientKeys:
    """The distinct keys of a whole dask table, resolved once on the client.

    ``cols``: standard name -> header; ``basis``: normalised; ``resolved``: the key table of
    `resolve_keys`; ``carriers``: every carrier id the table names (the categories of
    ``carrier_id``); ``region``: the default region used; ``distinct``: distinct key rows read.
    """

    cols: dict[str, str]
    basis: str
    resolved: pd.DataFrame
    carriers: list[str]
    region: str
    distinct: int


def resolve_client_keys(ddf: Any, fs: FactorSet, *, basis: str, region: str | None, year: int | None,
                        co2: bool, columns: Mapping[str, str] | None) -> ClientKeys:
    """Stages 1–4 on the client: find the columns, collect the distinct key rows of every partition
    (a pass that reads only the key columns), read, encode and resolve them once."""
    # an empty run finds the columns: a missing column raises here, before any work
    probe = account(ddf._meta.iloc[:0], factors=fs, columns=columns, basis=basis, region=region, year=year,
                    errors="report", co2=co2)
    cols: dict[str, str] = dict(probe.attrs["tanfeng"]["columns"])
    keycols = [cols[k] for k in KEY_COLUMNS if k in cols]
    keys = ddf[keycols]
    distinct = keys.map_partitions(distinct_rows, meta=keys._meta).drop_duplicates(split_out=1).compute()
    records = distinct.reset_index(drop=True).assign(**{cols["quantity"]: 1.0})
    keymap = {k: cols[k] for k in ("quantity", *KEY_COLUMNS) if k in cols}
    cells = read_cells(records, keymap, fs, Failures(records.index), year=year, region=region)
    b = normalize_basis(basis)
    resolved = resolve_keys(encode_keys(cells).keys, fs, basis=b, co2=co2)
    return ClientKeys(cols=cols, basis=b, resolved=resolved, carriers=sorted({c for c in cells.cids if c is not None}),
                      region=cells.region, distinct=len(distinct))


def account_partitioned(ddf: Any, fs: FactorSet, *, basis: str, region: str | None, year: int | None, errors: str,
                        co2: bool, columns: Mapping[str, str] | None) -> Any:
    """`tanfeng.account` on a dask DataFrame; returns a dask DataFrame (lazy).

    `tanfeng.account` calls it with its arguments (defaults filled in, ``errors`` checked, the
    factor set with any ``substitution_factor`` in it). Nothing is computed but the one pass
    over the key columns; the accounting itself runs when the result is computed or written
    (``result.to_parquet(...)``, `tanfeng.summarize`).

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd, tanfeng
    >>> df = pd.DataFrame({"企业": ["甲", "甲", "乙"], "能源品种": ["原煤", "电力", "柴油"],
    ...                    "消费量": [1000, 100, 200], "计量单位": ["吨", "万千瓦时", "吨"]})
    >>> result = tanfeng.account(dd.from_pandas(df, npartitions=2))
    >>> result["tce"].compute().round(2).tolist()
    [714.3, 122.9, 291.42]
    """
    import dask

    ck = resolve_client_keys(ddf, fs, basis=basis, region=region, year=year, co2=co2, columns=columns)
    warn_fallbacks(ck.resolved, stacklevel=3)  # once, here: the workers resolve nothing
    kwargs: dict[str, Any] = {"cols": ck.cols, "basis": ck.basis, "region": region, "year": year, "errors": errors,
                              "co2": co2}
    cats = _categories(ck, "ncv" in ck.cols)
    meta = _with_categories(account_with_keys(ddf._meta.iloc[:0], ck.resolved, fs, **kwargs), cats)
    # provenance as the pandas path records it; what only the whole table knows (rows per key,
    # rows with problems) is left out: explain() and summarize() count them
    used = key_provenance(ck.resolved, None)
    used["keys"] = SharedRecords(used["keys"])
    attrs = {"factor_set": fs.version, "basis": ck.basis, "region": ck.region, "year": year, "errors": errors,
             "co2": co2, **used, "columns": ck.cols, "distinct_keys": ck.distinct}
    meta.attrs = {"tanfeng": attrs}
    renumber = not ddf.known_divisions and isinstance(ddf._meta.index, pd.RangeIndex)
    # where each partition ends, in rows: computed with the partitions themselves (no extra read)
    ends = ddf.map_partitions(len_as_series, meta=pd.Series(dtype="int64")).cumsum() if renumber else None
    shipped = dask.delayed((fs, ck.resolved), pure=True)  # one task; every partition depends on it
    return ddf.map_partitions(_account_partition, ends, shipped, kwargs, cats, attrs, get_language(),
                              meta=meta, align_dataframes=False)


class SharedRecords(list):
    """The 计算依据 records in a partition's ``attrs``: pandas deep-copies ``attrs`` into every
    frame it derives (≈5 ms for a few hundred keys, on each of hundreds of steps per partition);
    this list is shared instead. It is provenance, read and not changed."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedRecords:
        return self


def account_with_keys(records: pd.DataFrame, resolved: pd.DataFrame, fs: FactorSet, *, cols: Mapping[str, str],
                      basis: str, region: str | None, year: int | None, errors: str, co2: bool) -> pd.DataFrame:
    """`account` on one part of a table whose keys were resolved elsewhere (``resolved``, a
    `resolve_keys` table holding every key of the part): stages 2, 3, 5 and 6, no resolving.

    ``cols`` are the found columns, ``basis`` the normalised basis (``"calorific"`` …). Raises
    `InputError` (``errors="raise"``) or fills ``problem`` as `account` does; attrs are left to
    the caller.
    """
    fails = Failures(records.index, what="records table")
    cells = read_cells(records, cols, fs, fails, year=year, region=region)
    codes = encode_keys(cells)
    applied = apply_keys(resolved, codes, cells, records, cols, fs, fails, co2=co2, same_keys=False)
    bad_row = cells.bad_row | fails.bad
    fails.raise_if_any(errors)
    out = assemble(records, cells, applied, resolved, basis=basis, co2=co2, bad_row=bad_row)
    if errors == "report":
        out["problem"] = fails.problem_text()
    return out


def distinct_rows(part: pd.DataFrame) -> pd.DataFrame:
    """The first row of each distinct combination of values (missing values kept) — on integer
    codes (`_key_codes`: categorical codes, whole numbers as offsets, other columns factorised),
    many times faster than ``drop_duplicates`` on a partition of key columns."""
    combined = np.zeros(len(part), dtype=np.int64)
    size = 1
    for c in part.columns:
        codes, uniq = _key_codes(part[c])
        n = max(len(uniq), 1)
        size *= n
        if size >= 2**62:  # too many combinations for one integer code
            return part.drop_duplicates()
        combined *= n
        combined += codes
    return part.iloc[np.flatnonzero(~pd.Series(combined).duplicated().to_numpy())]


def len_as_series(part: pd.DataFrame) -> pd.Series:
    """A partition's length as a one-row Series (its cumulative sum numbers rows globally)."""
    return pd.Series([len(part)], dtype="int64")


def _account_partition(part: pd.DataFrame, end: pd.Series | None, shipped: tuple[FactorSet, pd.DataFrame],
                       kwargs: dict[str, Any], cats: dict[str, list[str]], attrs: dict[str, Any],
                       lang: str) -> pd.DataFrame:
    """One partition through `account_with_keys`, labelled globally, with the shared categories,
    its messages in the client's language."""
    if end is not None:
        stop = int(end.iloc[0])
        part = part.set_axis(pd.RangeIndex(stop - len(part), stop))
    fs, resolved = shipped

    def run() -> pd.DataFrame:
        set_language(lang)  # in a copy of the worker's context: nothing else sees it
        return account_with_keys(part, resolved, fs, **kwargs)

    out = _with_categories(contextvars.copy_context().run(run), cats)
    out.attrs = {"tanfeng": attrs}
    return out


def _categories(ck: ClientKeys, has_ncv: bool) -> dict[str, list[str]]:
    """Categories of the categorical outputs over every distinct key (as the pandas path has them)."""
    main = "calorific" if ck.basis == "both" else ck.basis
    labels = {c: sorted({x for x in ck.resolved[src] if isinstance(x, str)})
              for c, src in (("tce_factor", f"tce_factor_{main}"), ("co2_factor", "co2_factor"))}
    cats = {"carrier_id": ck.carriers, **labels}
    if has_ncv:
        cats["tce_factor"] = sorted({*cats["tce_factor"], MEASURED_NCV})
        measured = (with_measured_ncv(c) for c in cats["co2_factor"])
        cats["co2_factor"] = sorted({*cats["co2_factor"], *(c for c in measured if c)})
    return cats


def _with_categories(df: pd.DataFrame, cats: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    new = {c: df[c].cat.set_categories(list(v)) for c, v in cats.items() if c in df.columns}
    return df.assign(**new) if new else df


def explain_partitioned(ddf: Any, fs: FactorSet, *, basis: str, region: str | None, year: int | None, co2: bool,
                        columns: Mapping[str, str] | None) -> pd.DataFrame:
    """`tanfeng.explain` of a dask DataFrame (called by it with its arguments): keys resolved
    once on the client, rows per key counted on the workers (only the key and quantity columns
    are read); a pandas table.

    One row per key value, as on pandas: two spellings of one carrier in one unit (电力 and
    外购电力 in 万kWh) are one row with the rows of both.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd, tanfeng
    >>> df = pd.DataFrame({"能源品种": ["原煤", "电力", "原煤"], "消费量": [1000, 100, 500],
    ...                    "计量单位": ["吨", "万千瓦时", "吨"]})
    >>> e = tanfeng.explain(dd.from_pandas(df, npartitions=2))
    >>> e[["carrier", "unit", "rows"]].values.tolist()
    [['raw_coal', '吨', 2], ['electricity', '万千瓦时', 1]]
    """
    import dask

    ck = resolve_client_keys(ddf, fs, basis=basis, region=region, year=year, co2=co2, columns=columns)
    warn_fallbacks(ck.resolved, stacklevel=3)
    read = [ck.cols[k] for k in ("quantity", *KEY_COLUMNS) if k in ck.cols]
    cols = {k: v for k, v in ck.cols.items() if v in read}
    shipped = dask.delayed((fs, ck.resolved), pure=True)
    counts = ddf[read].map_partitions(key_rows, shipped, cols, region, year, meta=pd.Series(dtype="int64"),
                                      align_dataframes=False).compute()
    rows = counts.groupby(level=0).sum().reindex(range(len(ck.resolved)), fill_value=0).to_numpy()
    return explain_table(ck.resolved, rows)  # one row per key value, as on pandas


def key_rows(part: pd.DataFrame, shipped: tuple[FactorSet, pd.DataFrame], cols: Mapping[str, str],
             region: str | None, year: int | None) -> pd.Series:
    """Rows of one partition per row of the resolved key table (index: its position there)."""
    fs, resolved = shipped
    cells = read_cells(part, cols, fs, Failures(part.index), year=year, region=region)
    codes = encode_keys(cells)
    pos = match_keys(resolved, codes.keys)
    return pd.Series(codes.rows[: len(pos)], index=pos, dtype="int64")


def summarize_partitioned(result: Any, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """`tanfeng.summarize` of a dask `account` result: groups summed on the workers; pandas out.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd, tanfeng
    >>> df = pd.DataFrame({"town": ["陶朱", "陶朱", "店口"], "carrier": ["原煤", "电力", "柴油"],
    ...                    "quantity": [1000, 100, 200], "unit": ["t", "万kWh", "t"]})
    >>> r = tanfeng.account(dd.from_pandas(df, npartitions=2))
    >>> tanfeng.summarize(r, by="town")["tce"].round(2).to_dict()
    {'店口': 291.42, '陶朱': 837.2}
    """
    lazy, finish = summary_plan(result, by)
    return finish(lazy.compute())


def check_summary_keys(result: Any, keys: list[str]) -> None:
    """`KeyError` naming the ``by`` columns that the result does not have."""
    missing = [k for k in keys if k not in result.columns]
    if missing:
        raise KeyError(f"summarize(by=…): no column {missing} in the result; columns are {list(result.columns)}")


def summary_plan(result: Any, by: str | Sequence[str] | None = None) -> tuple[Any, Callable[[Any], pd.DataFrame]]:
    """The lazy group sums of `summarize_partitioned`, and the function that turns their computed
    value into the summary — for a caller that computes them itself (with a progress bar)."""
    if "tce" not in result.columns:
        raise ValueError("summarize() takes the result of tanfeng.account()")
    keys = [by] if isinstance(by, str) else list(by or [])
    check_summary_keys(result, keys)
    sums = _prepare(result._meta, [])[1]
    provenance = result._meta.attrs.get("tanfeng", {})
    if not keys:
        lazy = result.map_partitions(lambda p: _prepare(p, [])[0][sums]).sum()
        return lazy, lambda total: _finish(total.to_frame().T, provenance)
    lang = get_language()

    def finish(flat: pd.DataFrame) -> pd.DataFrame:
        return summary_of_groups(flat, keys, lang, provenance)

    # summed on the workers: each partition's groups, then sums of those in a tree; flat tables
    # (keys as columns) all the way, which concatenate and group again far faster than MultiIndexes
    lazy = result.reduction(_group_sums, aggregate=_regroup, combine=_regroup, meta=_group_sums(result._meta, keys, sums),
                            split_every=SPLIT_EVERY,
                            chunk_kwargs={"keys": keys, "sums": sums},
                            aggregate_kwargs={"keys": keys, "sums": sums},
                            combine_kwargs={"keys": keys, "sums": sums})
    return lazy, finish


def summary_of_groups(flat: pd.DataFrame, keys: list[str], lang: str, provenance: dict) -> pd.DataFrame:
    """The summary from the group sums (`group_sums`, keys as columns): blank keys labelled and
    summed together, groups sorted by key — one finish for the pandas and the dask path."""
    g = _label_blank_groups(flat.set_index(keys), keys, lang)
    try:
        g = g.sort_index()
    except TypeError:  # keys of mixed types (numbers and the blank label) keep their order
        pass
    return _finish(g, provenance)


def _group_sums(part: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    """One partition's sums per group, the keys as columns (blank keys not yet labelled)."""
    needed = [*dict.fromkeys([*keys, "tce", "confidence", *(c for c in sums if c in part.columns)])]
    view = part[needed]
    view.attrs = {}  # pandas deep-copies attrs (the 计算依据) into every intermediate: none here
    return _regroup(_prepare(view, [])[0], keys, sums)


def _regroup(flat: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    """Sums of ``sums`` per group of ``keys`` (a missing key is a group of its own; only groups
    that occur), the keys as columns — what ``groupby(keys, dropna=False, observed=True).sum()``
    gives, at 2.5–5× its speed: each key is coded (`_key_codes`), the codes are combined into
    one integer per row, and each column is summed by `numpy.bincount` over those integers."""
    comb = np.zeros(len(flat), dtype=np.int64)
    uniques, size = [], 1
    for k in keys:
        codes, uniq = _key_codes(flat[k])
        size *= max(len(uniq), 1)
        if size >= 2**62:  # too many combinations for one integer: pandas' own groupby
            return flat.groupby(keys, dropna=False, observed=True, sort=False)[sums].sum().reset_index()
        comb *= len(uniq)
        comb += codes
        uniques.append(uniq)
    if size <= max(4 * len(flat), 1 << 16):  # few possible groups: count them in place, no hashing
        group, present = comb, np.flatnonzero(np.bincount(comb, minlength=size))
        nbins = size
    else:
        group, present = pd.factorize(comb)
        nbins = len(present)
    out: dict[str, Any] = {}
    rest = np.asarray(present, dtype=np.int64)
    for k, uniq in zip(reversed(keys), reversed(uniques)):
        rest, code = np.divmod(rest, max(len(uniq), 1))
        out[k] = uniq.take(code)
    out = {k: out[k] for k in keys}
    dense = nbins != len(present)
    for c in sums:
        v = flat[c].to_numpy()
        total = np.bincount(group, weights=np.nan_to_num(v, nan=0.0) if v.dtype.kind == "f" else v, minlength=nbins)
        total = total[present] if dense else total
        out[c] = total.astype(v.dtype) if v.dtype.kind in "iub" else total
    return pd.DataFrame(out)


def _key_codes(col: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes ≥ 0 of a key column and the value of each code (missing: a value of its own):
    categorical codes as they are, whole numbers as offsets from the smallest, others hashed."""
    n = len(col)
    if isinstance(col.dtype, pd.CategoricalDtype):
        uniq = pd.Categorical.from_codes(np.arange(-1, len(col.cat.categories)), dtype=col.dtype)
        return col.cat.codes.to_numpy().astype(np.int64) + 1, uniq
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iu" and n:  # not Int64 with <NA>: hashed
        v = col.to_numpy()
        lo, hi = int(v.min()), int(v.max())
        if hi - lo <= max(4 * n, 1 << 16):
            return v.astype(np.int64) - lo, np.arange(lo, hi + 1).astype(v.dtype)
    return pd.factorize(col, use_na_sentinel=False)


def _label_blank_groups(g: pd.DataFrame, keys: list[str], lang: str) -> pd.DataFrame:
    """Groups with a blank key (None, NaN, empty text) labelled as on the pandas path, and summed
    together (a NaN and an empty text are one blank group)."""
    flat = g.reset_index()
    # a number is never blank text: only a missing one is blank (no text made of a million numbers)
    labelled = {k: flat[k] if pd.api.types.is_numeric_dtype(flat[k].dtype) and not flat[k].hasnans
                else _label_blank(flat[k], lang) for k in keys}
    changed = {k: v for k, v in labelled.items() if v is not flat[k]}
    if not changed:
        return g
    return flat.assign(**changed).groupby(keys, dropna=False, sort=False)[list(g.columns)].sum()

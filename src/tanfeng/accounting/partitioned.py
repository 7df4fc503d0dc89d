"""`account` and `summarize` on a dask DataFrame: the same engine, one partition at a time.

A table too large for one machine's memory (partitioned parquet, a province's 联网直报 export)
is read with dask and passed to the same functions as a pandas table:

* `account_partitioned` runs in three steps. On the client, one pass over the key columns
  (carrier, unit, year, region) finds the distinct keys — and, for a table read from files, the
  length of each partition; the distinct keys are accounted once on the client, which resolves
  every factor and says every fallback (`FactorFallbackWarning`) once; the factor set, its
  resolved keys now held in it, travels to the workers as one task that every partition
  depends on. Each partition is then accounted by `tanfeng.account` itself, so the result has
  the same columns, dtypes and values as the pandas path, and no key is resolved again.
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
from typing import Any

import numpy as np
import pandas as pd

from ..cells import get_language, set_language
from ..factors import FactorSet
from .stages import MEASURED_NCV, with_measured_ncv
from .summary import _finish, _label_blank, _prepare
from .table import account

#: The categorical output columns whose categories are made the same in every partition.
_CATEGORICAL = ("carrier_id", "tce_factor", "co2_factor")
#: Partial group tables summed together in one task of the tree: fewer keep a worker's memory
#: low when every partition holds most groups (enterprise × month), more make fewer levels.
SPLIT_EVERY = 4
#: The key columns (standard names) whose distinct values are resolved on the client.
_KEYS = ("carrier", "unit", "year", "region")


def is_dask_frame(obj: object) -> bool:
    """A dask DataFrame, told by its type's module, so that checking never imports dask."""
    return type(obj).__module__.split(".", 1)[0] == "dask" and hasattr(obj, "map_partitions")


def account_partitioned(
    ddf: Any,
    *,
    basis: str = "当量值",
    region: str | None = "national",
    year: int | None = None,
    factors: FactorSet | None = None,
    errors: str = "raise",
    co2: bool = True,
    columns: Mapping[str, str] | None = None,
) -> Any:
    """`tanfeng.account` on a dask DataFrame; returns a dask DataFrame (lazy).

    Takes the arguments of `tanfeng.account`. Nothing is computed but the one pass over the
    key columns; the accounting itself runs when the result is computed or written
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

    if errors not in ("raise", "report"):
        raise ValueError("errors must be 'raise' or 'report'")
    fs = factors or FactorSet.default()
    kwargs: dict[str, Any] = {"basis": basis, "region": region, "year": year, "errors": errors, "co2": co2}
    meta_in = ddf._meta
    # an empty run finds the columns (a missing column raises here, before any work) and gives
    # the output's columns and dtypes
    probe = account(meta_in.iloc[:0], factors=fs, columns=columns, **kwargs)
    cols: dict[str, str] = dict(probe.attrs["tanfeng"]["columns"])
    keycols = [cols[k] for k in _KEYS if k in cols]
    renumber = not ddf.known_divisions and isinstance(meta_in.index, pd.RangeIndex)
    keys = ddf[keycols]
    distinct = keys.map_partitions(distinct_rows, meta=keys._meta).drop_duplicates(split_out=1).compute()
    keymap = {k: cols[k] for k in ("quantity", *_KEYS) if k in cols}
    resolved = account(distinct.assign(**{cols["quantity"]: 1.0}), factors=fs, columns=keymap,
                       **{**kwargs, "errors": "report"})  # resolves every key; warns once here
    cats = _categories(resolved, "ncv" in cols)
    # provenance as the pandas path records it, from the keys resolved here; what only the whole
    # table knows (rows per key, rows with problems) is left out: summarize() counts them
    on_keys = resolved.attrs["tanfeng"]
    attrs = {**probe.attrs["tanfeng"], **{k: on_keys[k] for k in ("fallbacks", "substitution") if k in on_keys},
             "keys": [{**k, "rows": None} for k in on_keys.get("keys", [])], "distinct_keys": len(distinct)}
    attrs.pop("rows_with_problems", None)
    meta = _with_categories(probe, cats)
    meta.attrs = {"tanfeng": attrs}
    # where each partition ends, in rows: computed with the partitions themselves (no extra read)
    ends = ddf.map_partitions(len_as_series, meta=pd.Series(dtype="int64")).cumsum() if renumber else None
    shipped = dask.delayed(fs, pure=True)  # one task; every partition depends on it
    return ddf.map_partitions(_account_partition, ends, shipped, {**kwargs, "columns": cols}, cats, attrs,
                              get_language(), meta=meta, align_dataframes=False)


def distinct_rows(part: pd.DataFrame) -> pd.DataFrame:
    """The first row of each distinct combination of values (missing values kept) — on integer
    codes (categorical codes as they are, other columns factorised), ~7× faster than
    ``drop_duplicates`` on a partition of categorical key columns."""
    combined = np.zeros(len(part), dtype=np.int64)
    size = 1
    for c in part.columns:
        col = part[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes, n = col.cat.codes.to_numpy(), len(col.cat.categories)
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            n = len(uniques)
        size *= n + 1
        if size >= 2**62:  # too many combinations for one integer code
            return part.drop_duplicates()
        combined *= n + 1
        combined += codes.astype(np.int64) + 1  # missing (-1) -> 0
    return part.iloc[np.flatnonzero(~pd.Series(combined).duplicated().to_numpy())]


def len_as_series(part: pd.DataFrame) -> pd.Series:
    """A partition's length as a one-row Series (its cumulative sum numbers rows globally)."""
    return pd.Series([len(part)], dtype="int64")


def _account_partition(part: pd.DataFrame, end: pd.Series | None, fs: FactorSet, kwargs: dict[str, Any],
                       cats: dict[str, list[str]], attrs: dict[str, Any], lang: str) -> pd.DataFrame:
    """One partition through `account`, labelled globally, with the shared categories, its
    messages in the client's language."""
    if end is not None:
        stop = int(end.iloc[0])
        part = part.set_axis(pd.RangeIndex(stop - len(part), stop))
    # a fallback was said on the client already; said again here, Python's default filter shows it
    # once per process (no catch_warnings: it is not thread-safe, and partitions run in threads)
    def run() -> pd.DataFrame:
        set_language(lang)  # in a copy of the worker's context: nothing else sees it
        return account(part, factors=fs, **kwargs)

    out = _with_categories(contextvars.copy_context().run(run), cats)
    out.attrs = {"tanfeng": attrs}
    return out


def _categories(resolved: pd.DataFrame, has_ncv: bool) -> dict[str, list[str]]:
    """Categories of the categorical outputs over every distinct key (as the pandas path has them)."""
    cats = {c: [str(x) for x in resolved[c].cat.categories] for c in _CATEGORICAL if c in resolved}
    if has_ncv and "tce_factor" in cats:
        cats["tce_factor"] = sorted({*cats["tce_factor"], MEASURED_NCV})
    if has_ncv and "co2_factor" in cats:
        measured = (with_measured_ncv(c) for c in cats["co2_factor"])
        cats["co2_factor"] = sorted({*cats["co2_factor"], *(c for c in measured if c)})
    return cats


def _with_categories(df: pd.DataFrame, cats: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    new = {c: df[c].cat.set_categories(list(v)) for c, v in cats.items() if c in df.columns}
    return df.assign(**new) if new else df


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


def summary_plan(result: Any, by: str | Sequence[str] | None = None) -> tuple[Any, Callable[[Any], pd.DataFrame]]:
    """The lazy group sums of `summarize_partitioned`, and the function that turns their computed
    value into the summary — for a caller that computes them itself (with a progress bar)."""
    if "tce" not in result.columns:
        raise ValueError("summarize() takes the result of tanfeng.account()")
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in result.columns]
    if missing:
        raise KeyError(f"summarize(by=…): no column {missing} in the result; columns are {list(result.columns)}")
    sums = _prepare(result._meta, [])[1]
    provenance = result._meta.attrs.get("tanfeng", {})
    if not keys:
        lazy = result.map_partitions(lambda p: _prepare(p, [])[0][sums]).sum()
        return lazy, lambda total: _finish(total.to_frame().T, provenance)
    lang = get_language()

    def finish(flat: pd.DataFrame) -> pd.DataFrame:
        g = _label_blank_groups(flat.set_index(keys), keys, lang)
        try:
            g = g.sort_index()  # as the pandas path sorts its groups
        except TypeError:  # keys of mixed types (numbers and the blank label) keep their order
            pass
        return _finish(g, provenance)

    # summed on the workers: each partition's groups, then sums of those in a tree; flat tables
    # (keys as columns) all the way, which concatenate and group again far faster than MultiIndexes
    lazy = result.reduction(_group_sums, aggregate=_regroup, combine=_regroup, meta=_group_sums(result._meta, keys, sums),
                            split_every=SPLIT_EVERY,
                            chunk_kwargs={"keys": keys, "sums": sums},
                            aggregate_kwargs={"keys": keys, "sums": sums},
                            combine_kwargs={"keys": keys, "sums": sums})
    return lazy, finish


def _group_sums(part: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    """One partition's sums per group, the keys as columns (blank keys not yet labelled)."""
    return _regroup(_prepare(part, [])[0], keys, sums)


def _regroup(flat: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    return flat.groupby(keys, dropna=False, observed=True, sort=False)[sums].sum().reset_index()


def _label_blank_groups(g: pd.DataFrame, keys: list[str], lang: str) -> pd.DataFrame:
    """Groups with a blank key (None, NaN, empty text) labelled as on the pandas path, and summed
    together (a NaN and an empty text are one blank group)."""
    flat = g.reset_index()
    labelled = {k: _label_blank(flat[k], lang) for k in keys}
    changed = {k: v for k, v in labelled.items() if v is not flat[k]}
    if not changed:
        return g
    return flat.assign(**changed).groupby(keys, dropna=False, sort=False)[list(g.columns)].sum()

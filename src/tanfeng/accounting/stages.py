"""The stages of `tanfeng.account`, public so that a scale-out path can run them per partition.

``account(records)`` is::

    cols  = find_record_columns(records, columns)              # 1. find columns (headers.csv)
    cells = read_cells(records, cols, fs, fails, year=, region=)  # 2. read cells (the kernel)
    codes = encode_keys(cells)                                 # 3. per row: which distinct key
    table = resolve_keys(codes.keys, fs, basis=, co2=)         # 4. each distinct key, once
    done  = apply_keys(table, codes, cells, ...)               # 5. gather × multiply
    out   = assemble(records, cells, done, ...)                # 6. the result table

A key is (carrier id, unit as written, data year, region id). The resolved key table
(`resolve_keys`) says, per key, tce and tCO2 per unit, the factor ids, scope and confidence, any
fallback taken, or why the key cannot be resolved; `tanfeng.explain` shows it with the number of
rows per key. To run partitions with keys resolved once elsewhere (on a dask client), resolve the
distinct keys of the whole table there and pass that table to `apply_keys` for each partition:
`match_keys` finds each partition key's row in it by value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..cells import Failures, find_columns
from ..factors import FactorSet
from ..resolver import CONFIDENCE_ORDER
from ._common import COLUMN_ALIASES, OUTPUT_COLUMNS
from .ncv import flag_overflow, measured_ncv
from .reading import RecordCells, read_cells

#: The factor id written for rows whose 低位发热量 was measured (an ``ncv`` column), in place of the default NCV's.
MEASURED_NCV = "measured-ncv"

__all__ = [
    "KEY_COLUMNS",
    "MEASURED_NCV",
    "Applied",
    "KeyCodes",
    "RecordCells",
    "apply_keys",
    "assemble",
    "encode_keys",
    "find_record_columns",
    "match_keys",
    "read_cells",
    "resolve_keys",
    "with_measured_ncv",
]

#: Columns of the distinct-key table of `encode_keys` (values, not codes); pressure (MPa
#: absolute) and temperature (℃) describe steam, hot water and a gas volume's metering state.
KEY_COLUMNS = ("carrier", "unit", "year", "region", "pressure", "temperature")
#: Above this many possible code combinations, distinct keys are found by sorting, not a table.
_DENSE_LIMIT = 4_000_000


def find_record_columns(records: pd.DataFrame, columns: Mapping[str, str] | None = None) -> dict[str, str]:
    """Standard name -> header of ``records`` (``factors/rules/headers.csv``; ``columns`` first)."""
    return find_columns(records, COLUMN_ALIASES, columns, required=("carrier", "quantity", "unit"),
                        reserved=OUTPUT_COLUMNS, what="records table")


class KeyCodes:
    """The distinct keys of a table's rows, how many rows each has, and each row's key.

    Each row holds ``code`` (an index into ``key_of_code``, whose last entry means "no usable
    key"); ``key_of_code`` gives the position of that code's key in ``keys``, or -1. Per-key
    values reach the rows by two gathers, ``values[key_of_code][code]``: the first over the few
    possible codes, the second over the rows. ``kidx`` (the key position per row, -1: no usable
    key) is derived on first use. ``KeyCodes(kidx, keys, rows)`` is a row-to-key table as is.
    """

    def __init__(self, kidx: np.ndarray | None = None, keys: pd.DataFrame | None = None,
                 rows: np.ndarray | None = None, *, code: np.ndarray | None = None,
                 key_of_code: np.ndarray | None = None) -> None:
        if keys is None or rows is None or (kidx is None and (code is None or key_of_code is None)):
            raise TypeError("KeyCodes needs keys, rows and either kidx or code and key_of_code")
        if code is None or key_of_code is None:  # a row's code is its key position (-1 reads the last entry)
            assert kidx is not None
            code, key_of_code = kidx, np.append(np.arange(len(keys), dtype=np.intp), -1)
        self.keys, self.rows, self.code, self.key_of_code = keys, rows, code, key_of_code
        self._kidx = kidx

    @property
    def kidx(self) -> np.ndarray:
        """Per row, the position of its key in ``keys`` (-1: no usable key)."""
        if self._kidx is None:
            self._kidx = self.key_of_code[self.code]
        return self._kidx


def encode_keys(cells: RecordCells) -> KeyCodes:
    """The distinct (carrier, unit, year, region, state) keys of the rows and each row's key."""
    radices = (max(len(cells.cids), 1), max(len(cells.utexts), 1), max(len(cells.yuniq), 1),
               len(cells.rid_of_code), len(cells.states))
    size = int(np.prod(radices, dtype=np.int64))
    kcode = _key_code(cells, radices)
    usable = cells.usable
    all_usable = bool(usable.all())
    if size > _DENSE_LIMIT:  # too many possible codes for a table: sort the ones present
        present, rows = np.unique(kcode[usable], return_counts=True)
        kidx = np.searchsorted(present, kcode)
        last = max(len(present) - 1, 0)
        kidx = np.where((kidx < len(present)) & (present[np.minimum(kidx, last)] == kcode), kidx, -1)
        if not all_usable:
            kidx = np.where(usable, kidx, -1)
        return KeyCodes(kidx, _key_table(cells, present, radices), rows)
    # dense: the combined code itself indexes a table of every possible code, plus one for
    # "no usable key" (``size``), so that no row needs a second gather to find its key
    if not all_usable:
        kcode[~usable] = size
    counts = np.bincount(kcode, minlength=size + 1)[:size]
    present = np.flatnonzero(counts)
    key_of_code = np.full(size + 1, -1, dtype=np.intp)
    key_of_code[present] = np.arange(len(present))
    return KeyCodes(keys=_key_table(cells, present, radices), rows=counts[present], code=kcode,
                    key_of_code=key_of_code)


def _key_code(cells: RecordCells, radices: tuple[int, ...]) -> np.ndarray:
    """One integer per row from its per-column codes, ``(((c * nu + u) * ny + y) * nr + r) * ns + s``.

    Built in the narrowest integer type that holds every code (the codes are small); the last
    step writes the index type that the gathers and `np.bincount` use. A missing code (-1)
    reads 0; such rows are not usable and never read their key.
    """
    size = int(np.prod(radices, dtype=np.int64))
    kt = next(t for t in (np.int16, np.int32, np.int64) if size <= np.iinfo(t).max)
    parts = [(radix, codes) for radix, codes in zip(radices, (cells.ccodes, cells.ucodes, cells.ycodes,
                                                              cells.rcodes, cells.scodes)) if radix > 1]
    kcode = np.zeros(len(cells.qty), dtype=np.intp)  # one value per column: every row's code is 0
    for i, (radix, codes) in enumerate(parts):
        if len(codes) and codes.min() < 0:
            codes = np.maximum(codes, 0)
        last = i == len(parts) - 1
        if i == 0:
            kcode = codes.astype(np.intp if last else kt)
            continue
        kcode = np.multiply(kcode, radix, dtype=np.intp) if last else np.multiply(kcode, kt(radix), out=kcode)
        np.add(kcode, codes, out=kcode, casting="unsafe")
    return kcode


def _key_table(cells: RecordCells, present: np.ndarray, radices: tuple[int, ...]) -> pd.DataFrame:
    """The key values (not codes) of the combined codes ``present`` (see `_key_code`)."""
    _, nu, ny, nr, ns = radices
    st, rest = present % ns, present // ns
    r, rest = rest % nr, rest // nr
    y, rest = rest % ny, rest // ny
    u, c = rest % nu, rest // nu
    years = [int(cells.yuniq[i]) if int(cells.yuniq[i]) >= 0 else None for i in y.tolist()]
    return pd.DataFrame({"carrier": cells.cids[c], "unit": [cells.utexts[i] for i in u.tolist()],
                         "year": pd.array(years, dtype="Int64"), "region": cells.rid_of_code[r],
                         "pressure": [cells.states[i][0] for i in st.tolist()],
                         "temperature": [cells.states[i][1] for i in st.tolist()]})


def resolve_keys(keys: pd.DataFrame, fs: FactorSet, *, basis: str = "calorific", co2: bool = True) -> pd.DataFrame:
    """Resolve each distinct key once with `FactorSet.resolve_key` (cached on the factor set).

    ``basis`` is ``"calorific"``, ``"substitution"`` or ``"both"``. Returns the keys plus, per
    basis ``b``, ``tce_per_unit_<b>`` and ``tce_factor_<b>``; ``co2_per_unit``, ``co2_factor``,
    ``scope``, ``category``, ``confidence``, ``fallback`` (text), ``reason`` / ``message`` /
    ``suggestion`` / ``column`` of a key that cannot be resolved, and ``fallbacks`` /
    ``substitution`` (objects, for warnings and attrs). ``attrs["bases"]`` lists the bases.
    """
    bases = ["calorific", "substitution"] if basis == "both" else [basis]
    rows: list[dict[str, Any]] = []
    for cid, unit, year, region, p, t in zip(*(keys[c].tolist() for c in KEY_COLUMNS)):
        yv = None if year is None or year is pd.NA else int(year)
        region = region if isinstance(region, str) else None  # an unknown region (reported) reads national
        p, t = (None if v is None or v != v else float(v) for v in (p, t))
        ks = [fs.resolve_key(cid, unit, year=yv, region=region, basis=b, co2=co2, pressure=p, temperature=t)
              for b in bases]
        failed = [k for k in ks if k.reason and k.reason != "co2_factor_missing"] or [k for k in ks if not k.ok]
        row: dict[str, Any] = {"carrier": cid, "unit": unit, "year": yv, "region": region, "pressure": p,
                               "temperature": t,
                               "category": fs.carriers.get(cid).category, "scope": ks[0].scope}
        for b, k in zip(bases, ks):
            row[f"tce_per_unit_{b}"] = np.nan if failed else k.tce
            row[f"tce_factor_{b}"] = None if failed else k.tce_factor
        row["co2_per_unit"] = ks[0].co2 if co2 and not failed else np.nan
        row["co2_factor"] = ks[0].co2_factor if co2 and not failed else None
        row["confidence"] = None if failed else CONFIDENCE_ORDER[max(CONFIDENCE_ORDER.index(k.confidence) for k in ks)]
        fallbacks = tuple(w for k in ks for w in k.fallbacks)
        row["fallback"] = "; ".join(dict.fromkeys(str(w) for w in fallbacks))
        first = failed[0] if failed else None
        row.update(reason=first.reason if first else "", message=first.message if first else "",
                   suggestion=first.suggestion if first else "", column=first.column if first else "",
                   fallbacks=fallbacks, substitution=[k.substitution for k in ks if k.substitution])
        rows.append(row)
    cols = [*KEY_COLUMNS, "category", "scope", *[f"{p}_{b}" for b in bases for p in ("tce_per_unit", "tce_factor")],
            "co2_per_unit", "co2_factor", "confidence", "fallback", "reason", "message", "suggestion", "column",
            "fallbacks", "substitution"]
    out = pd.DataFrame(rows, columns=cols)
    out["year"] = out["year"].astype("Int64")
    out.attrs["bases"] = bases
    return out


def match_keys(resolved: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Row of ``resolved`` for each row of ``keys`` (by value); a key missing from it raises.

    Two spellings of one carrier (电力, 外购电力) are two keys of equal value, resolved alike:
    the first such row of ``resolved`` is taken, so that each key matches exactly one row.
    """
    left = keys[list(KEY_COLUMNS)].astype(object).reset_index(drop=True)
    right = resolved[list(KEY_COLUMNS)].astype(object).assign(_row=np.arange(len(resolved)))
    right = right.drop_duplicates(subset=list(KEY_COLUMNS), keep="first")
    hit = left.merge(right, on=list(KEY_COLUMNS), how="left", sort=False)["_row"]
    if hit.isna().any():
        missing = left[hit.isna().to_numpy()].head(5).to_dict("records")
        raise ValueError(f"keys not in the resolved key table (resolve them first): {missing}")
    return hit.to_numpy(dtype=np.int64)


@dataclass
class Applied:
    """Values per row: tce per basis, CO2, measured-NCV rows, and each row's slot.

    A per-key value ``v`` (one entry per row of the key table, plus a trailing empty entry)
    reaches the rows as ``v[slot_key][slot]``; without ``slot_key``, ``slot`` is the row of the
    key table itself (its length: no key).
    """

    tce: dict[str, np.ndarray]
    co2: np.ndarray
    ncv_rows: np.ndarray | None
    slot: np.ndarray
    #: per slot, the row of the key table it reads (the last entry reads the empty one)
    slot_key: np.ndarray | None = None


def apply_keys(resolved: pd.DataFrame, codes: KeyCodes, cells: RecordCells, records: pd.DataFrame,
               cols: Mapping[str, str], fs: FactorSet, fails: Failures, *, co2: bool = True,
               same_keys: bool = True) -> Applied:
    """Gather each row's multipliers from the key table and multiply by its quantity.

    Reports rows of unresolvable keys (``reason`` of the key table), 原料用能 on electricity or
    heat, measured-NCV problems and overflowing results. ``same_keys=False`` when ``resolved``
    was made elsewhere (e.g. over a whole dask table): keys are then matched by value.
    """
    nk = len(resolved)
    pos = np.arange(len(codes.keys)) if same_keys else match_keys(resolved, codes.keys)
    slot, slot_key = codes.code, np.append(pos, nk)[codes.key_of_code]  # -1 (no key) reads nk
    bad_key = resolved["reason"].to_numpy() != ""
    if bad_key[pos].any():
        known = codes.key_of_code >= 0
        code_of_key = np.empty(len(pos), dtype=np.intp)
        code_of_key[codes.key_of_code[known]] = np.flatnonzero(known)
    for j in np.flatnonzero(bad_key[pos]) if len(pos) else []:
        k = resolved.iloc[pos[j]]
        col = k["column"]
        if k["reason"] == "steam_state_invalid":  # the row's pressure / temperature
            col = "pressure" if "pressure" in cols else ("temperature" if "temperature" in cols else "carrier")
        colname = cols[col]
        fails.add(slot == code_of_key[j], colname, records[colname], k["reason"], k["message"], k["suggestion"])
    bad = cells.bad_row
    if bad_key.any() or not cells.usable.all():  # rows of a bad key, rows without a key
        bad |= np.append(bad_key, True)[slot_key][slot]
    if cells.feed.any():
        secondary = np.append(resolved["category"].isin(["electricity", "heat"]).to_numpy(), False)
        fnf = cells.feed & secondary[slot_key][slot]
        fails.add(fnf, cols["use"], records[cols["use"]], "feedstock_not_fuel")
        bad |= fnf
    qv = cells.qty if isinstance(cells.sign, float) else cells.qty * cells.sign
    tce = {b: _gather_times(_per_key(resolved, f"tce_per_unit_{b}")[slot_key], slot, qv)
           for b in resolved.attrs["bases"]}
    co2_vals = _gather_times(_per_key(resolved, "co2_per_unit")[slot_key], slot, qv)
    ncv_rows = None
    if "ncv" in cols:
        ncv_rows, ncv_tce, ncv_co2, ncv_bad = measured_ncv(records[cols["ncv"]], cols["ncv"], cells, fs, qv, fails, co2)
        for b in tce:
            tce[b] = np.where(ncv_rows, ncv_tce, tce[b])
        co2_vals = np.where(ncv_rows, ncv_co2, co2_vals)
        bad |= ncv_bad
    if cells.feed.any():
        co2_vals = np.where(cells.feed, 0.0, co2_vals)
    mults = np.concatenate([*(resolved[f"tce_per_unit_{b}"].to_numpy(float) for b in tce),
                            resolved["co2_per_unit"].to_numpy(float)])
    bound = float(np.fmax.reduce(np.abs(mults))) * float(np.fmax.reduce(cells.qty)) if len(qv) and len(mults) else 0.0
    if "ncv" in cols or not bound < 1e300:  # only then can a result overflow
        flag_overflow(fails, bad, cols["quantity"], records[cols["quantity"]], [*tce.values(), co2_vals])
    return Applied(tce=tce, co2=co2_vals, ncv_rows=ncv_rows, slot=slot, slot_key=slot_key)


def _per_key(resolved: pd.DataFrame, column: str) -> np.ndarray:
    """A per-key column with a trailing NaN slot that unusable and bad rows read."""
    return np.append(resolved[column].to_numpy(dtype=float), np.nan)


def _gather_times(per_key: np.ndarray, slot: np.ndarray, qv: np.ndarray) -> np.ndarray:
    """``per_key[slot] * qv`` with one temporary instead of two."""
    out = per_key[slot]
    with np.errstate(over="ignore"):  # an overflow is reported as quantity_overflow
        out *= qv
    return out


def assemble(records: pd.DataFrame, cells: RecordCells, done: Applied, resolved: pd.DataFrame, *,
             basis: str, co2: bool, bad_row: np.ndarray) -> pd.DataFrame:
    """The input rows (same order and index) with the result columns added."""
    bases: Sequence[str] = resolved.attrs["bases"]
    n, nk = cells.n, len(resolved)
    any_bad = bool(bad_row.any())

    def blank_bad(x: np.ndarray) -> np.ndarray:
        return np.where(bad_row, np.nan, x) if any_bad else x

    slot_key = done.slot_key if done.slot_key is not None else np.arange(nk + 1)
    # bad rows read the last slot, whose key-table row is the empty one
    kb = np.where(bad_row, len(slot_key) - 1, done.slot) if any_bad else done.slot

    def per_row(per_key: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """``per_key`` (one entry per key, plus the empty one) on every row, or on ``rows``."""
        return per_key[slot_key][kb if rows is None else kb[rows]]

    main = "calorific" if basis == "both" else basis
    new: dict[str, Any] = {}
    tce = blank_bad(done.tce[main])
    new["tce"] = tce
    # without feedstock rows both columns hold the same numbers: share one array (pandas'
    # copy-on-write keeps them independent if either is later changed)
    new["tce_excl_feedstock"] = np.where(cells.feed, 0.0, tce) if cells.feed.any() else tce
    if basis == "both":
        for b in bases:
            new[f"tce_{b}"] = blank_bad(done.tce[b])
    new["co2_t"] = blank_bad(done.co2) if co2 else np.full(n, np.nan)
    srow = per_row(np.append(resolved["scope"].to_numpy(dtype=np.int8), np.int8(0)))
    mask = (srow == 0) if any_bad or not cells.usable.all() else np.zeros(n, dtype=bool)
    new["scope"] = pd.arrays.IntegerArray(srow, mask)
    new["carrier_id"] = _carrier_ids(cells, resolved, done.slot, slot_key)
    special = (done.ncv_rows & ~bad_row) if done.ncv_rows is not None else None
    new["tce_factor"] = _categorical(resolved[f"tce_factor_{main}"], per_row, special, lambda _: MEASURED_NCV)
    new["co2_factor"] = _categorical(resolved["co2_factor"], per_row, special, with_measured_ncv)
    conf = [CONFIDENCE_ORDER.index(c) if isinstance(c, str) else -1 for c in resolved["confidence"]]
    new["confidence"] = pd.Categorical.from_codes(per_row(np.array([*conf, -1], dtype=np.int8)),
                                                  categories=list(CONFIDENCE_ORDER), validate=False)
    added = pd.DataFrame(new, index=records.index, copy=False)
    return pd.concat([records.drop(columns=[c for c in new if c in records.columns]), added], axis=1)


def _carrier_ids(cells: RecordCells, resolved: pd.DataFrame, slot: np.ndarray,
                 slot_key: np.ndarray) -> pd.Categorical:
    """The canonical carrier id per row (电 / 外购电力 -> electricity), for totals by carrier.

    When every row has a usable key, each row's carrier is its key's (gathered by ``slot``, the
    index array the other gathers use); otherwise it is read from the carrier codes."""
    cat_ids = sorted({c for c in cells.cids if c is not None})
    if cells.usable.all():
        per_key = pd.Categorical([*resolved["carrier"], None], categories=cat_ids).codes
        return pd.Categorical.from_codes(per_key[slot_key][slot], categories=cat_ids, validate=False)
    per_code = pd.Categorical([*cells.cids, None], categories=cat_ids).codes
    return pd.Categorical.from_codes(per_code[cells.ccodes], categories=cat_ids, validate=False)


def with_measured_ncv(chain: str | None) -> str | None:
    """A CO2 factor chain (``ncv-id+cc-id+of-id``) with its default 低位发热量 replaced by the row's own."""
    if not chain:
        return chain
    head, sep, rest = chain.partition("+")
    return f"{MEASURED_NCV}{sep}{rest}" if head.endswith("-ncv") else chain


def _categorical(ids: pd.Series, per_row: Callable[..., np.ndarray], special: np.ndarray | None,
                 special_label: Callable[[str | None], str | None]) -> pd.Categorical:
    """Categorical of per-key labels spread to the rows by ``per_row`` (None -> NaN).

    Rows in ``special`` (a measured 低位发热量) get ``special_label`` of their key's label instead.
    """
    labels = [str(x) if isinstance(x, str) else None for x in ids]
    has_special = special is not None and bool(special.any())
    alt = [special_label(x) for x in labels] if has_special else []
    cats = sorted({x for x in (*labels, *alt) if x is not None})

    def codes_of(xs: list[str | None]) -> np.ndarray:  # in the code type pandas keeps: no conversion
        return pd.Categorical([*xs, None], categories=cats).codes

    codes = per_row(codes_of(labels))
    if has_special:
        assert special is not None
        codes[special] = per_row(codes_of(alt), special)
    return pd.Categorical.from_codes(codes, categories=cats, validate=False)

"""The swap ledger (置换台账): which share of which source went to which project, and when.

A source's capacity and freed energy can each be used once: :meth:`Ledger.allocate` refuses an
allocation that would take more than the source has left, :meth:`Ledger.release` frees a
withdrawn project's allocations (kept in the history with their release date), and
:func:`~tanfeng.swap.check` / :func:`~tanfeng.swap.plan` read the ledger so that a source used by
one project is not counted again for another.

The ledger is a CSV file (UTF-8 with BOM, so Excel opens it): :meth:`Ledger.save` writes a
temporary file beside the target, flushes it to disk and swaps it in with ``os.replace``, so a
crash mid-save leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cells import FORMULA_PREFIXES, Failures, Text, read_quantities, say
from ..errors import RuleError
from .sources import capacity_factor, parse_capacity_unit

__all__ = ["COLUMNS", "Ledger", "LedgerError"]

#: Columns of the ledger file, in order.
COLUMNS = ["project_id", "source_id", "product", "capacity", "capacity_unit", "energy_tce",
           "source_capacity", "source_energy_tce", "allocated_on", "released_on", "note"]
_TOL = 1e-9


class LedgerError(RuleError):
    """An allocation the ledger refuses: more than a source has left, or inconsistent totals."""


def _date(v: Any, column: str = "on") -> dt.date:
    """A date from a date, Timestamp or text; a cell that is not a date is an `InputError`."""
    if v is None:
        return dt.date.today()
    try:
        d = pd.Timestamp(v)
        if pd.isna(d):
            raise ValueError(v)
        return d.date()
    except (ValueError, TypeError, OverflowError) as exc:
        fails = Failures(1, what="arguments")
        fails.add(np.ones(1, dtype=bool), column, [v], "date_invalid")
        raise fails.error() from exc


def _quantities(**cells: Any) -> dict[str, float]:
    """Each argument read by the kernel's cell reader (``"1,200"``, ``"12万"``); every cell that is
    not a non-negative number is named in one `InputError`."""
    fails = Failures(1, what="arguments")
    out: dict[str, float] = {}
    for name, cell in cells.items():
        v, why = read_quantities(pd.Series([cell], dtype=object))
        fails.add(np.asarray(why != ""), name, [cell], np.asarray(why.astype(object)))
        out[name] = float(v[0])
    fails.raise_if_any()
    return out


class Ledger:
    """Allocations of retired sources to projects.

    Examples
    --------
    >>> led = Ledger()
    >>> led.allocate("A", "S1", capacity=80, capacity_unit="万吨/年", source_capacity=100,
    ...              energy_tce=4000, source_energy_tce=5000, on="2023-05-01")
    >>> led.available("S1")
    (20.0, 1000.0)
    >>> led.release("A", on="2023-06-01")
    1
    >>> led.available("S1")
    (100.0, 5000.0)
    """

    def __init__(self, allocations: pd.DataFrame | None = None) -> None:
        self._df = pd.DataFrame(columns=COLUMNS) if allocations is None else allocations[COLUMNS].copy()

    # -- views ---------------------------------------------------------------------------------

    @property
    def allocations(self) -> pd.DataFrame:
        """Every allocation, released ones included (a copy)."""
        return self._df.copy()

    def active(self) -> pd.DataFrame:
        """Allocations not released."""
        return self._df[self._df["released_on"].isna()].copy()

    def used(self, exclude_project: str | None = None) -> pd.DataFrame:
        """Per source: capacity and energy held by active allocations (of other projects)."""
        a = self.active()
        if exclude_project is not None:
            a = a[a["project_id"] != exclude_project]
        cols = ["capacity", "capacity_unit", "energy_tce", "source_capacity", "source_energy_tce", "projects"]
        if a.empty:
            return pd.DataFrame(columns=cols).rename_axis("source_id")
        g = a.groupby("source_id", sort=False)
        out = g.agg(capacity=("capacity", "sum"), capacity_unit=("capacity_unit", "first"),
                    energy_tce=("energy_tce", "sum"), source_capacity=("source_capacity", "first"),
                    source_energy_tce=("source_energy_tce", "first"))
        out["projects"] = g["project_id"].agg(lambda s: "、".join(dict.fromkeys(map(str, s))))
        return out

    def available(self, source_id: str) -> tuple[float, float]:
        """``(capacity, energy_tce)`` still free of a source the ledger knows."""
        rows = self._df[self._df["source_id"] == source_id]
        if rows.empty:
            raise KeyError(f"source {source_id!r} is not in the ledger")
        act = rows[rows["released_on"].isna()]
        cap = float(rows["source_capacity"].iloc[-1]) - float(act["capacity"].sum())
        en = float(rows["source_energy_tce"].iloc[-1]) - float(act["energy_tce"].sum())
        return cap, en

    def __len__(self) -> int:
        return len(self._df)

    def __repr__(self) -> str:
        return f"<Ledger: {len(self.active())} active of {len(self._df)} allocations>"

    # -- changes -------------------------------------------------------------------------------

    def _check(self, new: pd.DataFrame) -> None:
        """Refuse rows that would over-allocate a source or contradict its recorded totals."""
        problems = []
        allrows = pd.concat([self._df, new], ignore_index=True)
        for sid, rows in allrows.groupby("source_id", sort=False):
            units = [u for u in rows["capacity_unit"].unique() if isinstance(u, str) and u]
            for u in units[1:]:
                if capacity_factor(u, units[0]) != 1.0:
                    problems.append(f"source {sid}: capacity recorded in {units[0]!r} and {u!r}")
            for col in ("source_capacity", "source_energy_tce"):
                vals = rows[col].astype(float).unique()
                if len(vals) > 1 and np.ptp(vals) > _TOL * max(abs(vals).max(), 1.0):
                    problems.append(f"source {sid}: {col} recorded as {sorted(vals)} — a source has one total")
            act = rows[rows["released_on"].isna()]
            for col, total, what in (("capacity", "source_capacity", "swap_ledger_capacity"),
                                     ("energy_tce", "source_energy_tce", "swap_ledger_energy")):
                used, have = float(act[col].sum()), float(rows[total].iloc[0])
                if used > have + _TOL * max(have, 1.0):
                    problems.append(say("swap_ledger_over", source=sid, what=Text(what), used=used, have=have,
                                        projects=say("cells_list_separator").join(map(str, act["project_id"].unique()))))
        if problems:
            raise LedgerError("the ledger refuses this allocation:\n  " + "\n  ".join(problems))

    def allocate(self, project_id: str, source_id: str, *, capacity: float, capacity_unit: str,
                 source_capacity: float, energy_tce: float = 0.0, source_energy_tce: float = 0.0,
                 on: Any = None, product: str = "", note: str = "") -> None:
        """Give ``capacity`` and ``energy_tce`` of a source to a project on date ``on``.

        The quantities are read as cells are everywhere (``"1,200"``, ``"12万"``); one that is
        not a non-negative number, or an ``on`` that is not a date, is an `InputError` naming it.
        Raises `LedgerError` if the source's active allocations would exceed its capacity or
        energy, or if its totals differ from those recorded before.
        """
        q = _quantities(capacity=capacity, energy_tce=energy_tce, source_capacity=source_capacity,
                        source_energy_tce=source_energy_tce)
        if capacity_unit or q["capacity"] or q["source_capacity"]:  # energy-only sources carry no capacity unit
            parse_capacity_unit(capacity_unit)
        row = pd.DataFrame([{
            "project_id": str(project_id), "source_id": str(source_id), "product": product, **q,
            "capacity_unit": capacity_unit, "allocated_on": _date(on), "released_on": None, "note": note}],
            columns=COLUMNS)
        self._check(row)
        self._df = pd.concat([self._df, row], ignore_index=True) if len(self._df) else row

    def record(self, result: Any, *, on: Any = None, force: bool = False, note: str = "") -> int:
        """Allocate every source a `SwapCheck` counted or a `SwapPlan` chose; all or nothing.

        A result that is not ``ok`` is refused unless ``force=True``. Returns the number of rows.
        """
        if not result.ok and not force:
            raise LedgerError(f"project {result.project_id} did not pass (ok=False); pass force=True "
                              "to record its allocations anyway")
        a = result.allocations
        if a.empty:
            return 0
        rows = pd.DataFrame({
            "project_id": result.project_id, "source_id": a["source_id"].astype(str),
            "product": a["product"], "capacity": a["capacity"].astype(float),
            "capacity_unit": a["capacity_unit"], "energy_tce": a["energy_tce"].astype(float),
            "source_capacity": a["source_capacity"].astype(float),
            "source_energy_tce": a["source_energy_tce"].astype(float),
            "allocated_on": _date(on if on is not None else result.on), "released_on": None, "note": note,
        }, columns=COLUMNS)
        self._check(rows)
        self._df = pd.concat([self._df, rows], ignore_index=True) if len(self._df) else rows
        return len(rows)

    def release(self, project_id: str, *, on: Any = None) -> int:
        """Release a withdrawn project's active allocations (dated, kept in the history)."""
        m = (self._df["project_id"] == str(project_id)) & self._df["released_on"].isna()
        if not m.any():
            raise LedgerError(f"project {project_id!r} has no active allocation in the ledger")
        self._df.loc[m, "released_on"] = _date(on)
        return int(m.sum())

    # -- files ---------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the ledger to CSV atomically (temporary file + ``os.replace``).

        Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is
        written behind a ``'``, as `write_report_xlsx` keeps it text; `load` reads it back.
        Temporary files a crashed save left behind are removed.
        """
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(p)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
                _neutralised(self._df).to_csv(fh, index=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, p)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return p

    @classmethod
    def load(cls, path: str | Path) -> Ledger:
        """Read a ledger CSV; every bad row is reported in one `InputError` (an empty, binary or
        garbled file is ``ledger_unreadable``)."""
        _remove_stale_temps(Path(path))
        df = _read_ledger_csv(Path(path))
        missing = [c for c in COLUMNS if c not in df.columns]
        if missing:
            fails0 = Failures(0, what=f"ledger {path}")
            for c in missing:
                fails0.add_table(c, "column_missing", message=f"ledger file has no {c} column")
            raise fails0.error()
        df = _restored(df)
        # rows of the CSV file: the header is line 1, the first entry line 2
        fails = Failures(df.index, sheet_rows=np.arange(2, len(df) + 2), what=f"ledger {path}")
        for col in ("capacity", "energy_tce", "source_capacity", "source_energy_tce"):
            num, why = read_quantities(df[col].replace("", "0"))  # the kernel's cell reader
            fails.add(np.asarray(why != ""), col, df[col], np.asarray(why.astype(object)))
            df[col] = num
        for col, required in (("allocated_on", True), ("released_on", False)):
            d = pd.to_datetime(df[col].replace("", None), errors="coerce")
            bad = (df[col] != "") & d.isna() | (required & (df[col] == ""))
            fails.add(bad.to_numpy(), col, df[col], "date_invalid")
            df[col] = [None if pd.isna(x) else x.date() for x in d]
        fails.add(((df["project_id"] == "") | (df["source_id"] == "")).to_numpy(), "project_id/source_id", None,
                  "id_missing")
        fails.raise_if_any()
        led = cls()
        led._check(df[COLUMNS])
        led._df = df[COLUMNS].reset_index(drop=True)
        return led


#: A temporary file of a save older than this (seconds) was left by a crashed save: removed.
STALE_TEMP_SECONDS = 60.0
_TEXT_COLUMNS = ("project_id", "source_id", "product", "capacity_unit", "note")


def _remove_stale_temps(p: Path) -> None:
    import time

    now = time.time()
    for tmp in p.parent.glob(f".{p.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                tmp.unlink()


def _neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """Text starting with a formula character gets a leading ``'`` (so does text starting with ``'``)."""
    out = df.copy()
    for c in _TEXT_COLUMNS:
        if c in out:
            out[c] = [("'" + v) if isinstance(v, str) and v.startswith((*FORMULA_PREFIXES, "'")) else v
                      for v in out[c]]
    return out


def _restored(df: pd.DataFrame) -> pd.DataFrame:
    for c in _TEXT_COLUMNS:
        if c in df:
            df[c] = [v[1:] if isinstance(v, str) and v.startswith("'") else v for v in df[c]]
    return df


def _read_ledger_csv(path: Path) -> pd.DataFrame:
    """The ledger as text cells; a file that is empty, binary or not CSV is an `InputError`."""
    fails = Failures(0, what=f"ledger {path}")
    try:
        raw = path.read_bytes()
        if not raw.strip() or b"\x00" in raw:
            raise ValueError("empty or binary")
        raw.decode("utf-8-sig")
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        fails.add_table(str(path), "ledger_unreadable", value=type(exc).__name__)
        raise fails.error() from exc
    return df

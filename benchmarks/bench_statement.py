"""tanfeng.write_statement (计算书) against writing the same number of plain cells with openpyxl.

Run: python benchmarks/bench_statement.py [--quick]

One entity with ``n`` energy records (the sample's carriers and units). ``write_statement``
accounts the records on both bases, rebuilds each key's factor chain once and writes four tables
of live formulas, styles and injection-safe text plus a 依据 sheet. The baseline writes as many
rows (4 × n) of 24 plain numbers with a write-only openpyxl workbook: the floor of the file format.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from _timing import best_of, print_rows


def _baseline(path: Path, rows: int, cols: int = 24) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for i in range(rows):
        ws.append([float(i + j) for j in range(cols)])
    wb.save(path)


def main(quick: bool = False) -> list[dict[str, Any]]:
    from tanfeng.datasets import zhuji_sample
    from tanfeng.statement import write_statement

    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp())
    energy = zhuji_sample(0).energy
    rows: list[dict[str, Any]] = []
    for n in ([100, 2_000] if quick else [100, 2_000, 20_000]):
        df = energy.head(n).assign(enterprise="甲")
        ours = best_of(lambda d=df: write_statement(d, tmp / "ours.xlsx", region="浙江"), repeat=2)  # type: ignore[misc]
        base = best_of(lambda k=n: _baseline(tmp / "plain.xlsx", 4 * k), repeat=2)  # type: ignore[misc]
        rows.append({"benchmark": "write_statement xlsx", "n": n, "seconds": ours, "baseline": base, "ratio": ours / base})
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)

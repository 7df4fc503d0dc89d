"""Entry points checked by the input kernel beyond account(): the swap ledger file."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from tanfeng.errors import InputError
from tanfeng.swap import Ledger

ON = dt.date(2023, 6, 30)


@pytest.mark.parametrize("content", [b"", b"   \n", b"\x00\x01\x02binary\xff", b"\xff\xfe\xfa garbled"])
def test_ledger_load_refuses_empty_binary_or_garbled_files(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "台账.csv"
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        Ledger.load(p)
    assert exc.value.failures["reason"].tolist() == ["ledger_unreadable"]


def test_ledger_csv_neutralises_formulas_and_reads_them_back(tmp_path: Path) -> None:
    led = Ledger()
    led.allocate("=HYPERLINK(\"x\")", "+S1", capacity=10, capacity_unit="万吨/年", source_capacity=100, on=ON,
                 note="@SUM(A1)")
    p = led.save(tmp_path / "台账.csv")
    text = p.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+S1" in text and "'@SUM(A1)" in text
    back = Ledger.load(p)
    assert back.allocations["project_id"].tolist() == ["=HYPERLINK(\"x\")"]
    assert back.allocations["source_id"].tolist() == ["+S1"] and back.allocations["note"].tolist() == ["@SUM(A1)"]


def test_a_crashed_saves_temp_file_is_removed_by_the_next_save_or_load(tmp_path: Path) -> None:
    led = Ledger()
    led.allocate("A", "S1", capacity=10, capacity_unit="万吨/年", source_capacity=100, on=ON)
    p = led.save(tmp_path / "台账.csv")
    orphan = tmp_path / ".台账.csv.abc123.tmp"
    orphan.write_text("project_id,source_id\nA,")
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    Ledger.load(p)
    assert not orphan.exists()
    orphan.write_text("half")
    os.utime(orphan, (old, old))
    led.save(p)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["台账.csv"]

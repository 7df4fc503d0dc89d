"""Files analysts have: .xls exports, merged cells, and the statistical form 205-1."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tanfeng.accounting import account
from tanfeng.errors import InputError
from tanfeng.io import read_records

# Form 205-1 as an enterprise files it: title rows, two header rows with merged cells, a row of
# column letters, one row per product, an 能源合计 row.
TITLE = [(0, 0, "能源购进、消费与库存"), (1, 0, "单位详细名称：诸暨市示例铸造有限公司"),
         (1, 5, "统一社会信用代码：91330681MA2701CT3E")]
PARENT = ["能源名称", "计量单位", "代码", "期初库存量", "购进量", None, "工业生产消费量", "其中：用于原材料",
          "期末库存量", "参考折标系数"]
CHILD = [None, None, None, None, "实物量", "金额（千元）", None, None, None, None]
LETTERS = ["甲", "乙", "丙", "1", "2", "3", "4", "5", "6", "7"]
BODY: list[list[Any]] = [
    ["原煤", "吨", "01", 100, 1200, 960, 1000, None, 300, 0.7143],
    ["天然气", "万立方米", "32", 0, 50, 1500, 40, 10, 10, 12.143],
    ["电力", "万千瓦时", "40", None, 500, 3000, 500, None, None, 1.229],
    ["能源合计", "吨标准煤", "99", None, None, None, 1800, None, None, None],
]
# merged: the title across, 购进量 over its two children, the single headers down two rows
MERGES = [(0, 0, 0, 9), (2, 2, 4, 5)] + [(2, 3, c, c) for c in (0, 1, 2, 3, 6, 7, 8, 9)]


def _rows() -> list[tuple[int, list[Any]]]:
    return [(2, PARENT), (3, CHILD), (4, LETTERS)] + [(5 + i, r) for i, r in enumerate(BODY)]


def write_xls(path: Path) -> Path:
    """The form as an old .xls (xlwt, as statistics systems export it)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("205-1")
    done = set()
    for r0, r1, c0, c1 in MERGES:
        value = next((v for r, c, v in TITLE if (r, c) == (r0, c0)), None) or (PARENT[c0] if r0 == 2 else None)
        ws.write_merge(r0, r1, c0, c1, value)
        done |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, c, v in TITLE:
        if (r, c) not in done:
            ws.write(r, c, v)
    for r, row in _rows():
        for c, v in enumerate(row):
            if v is not None and (r, c) not in done:
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "205-1"
    for r, c, v in TITLE:
        ws.cell(r + 1, c + 1, v)
    for r, row in _rows():
        for c, v in enumerate(row):
            if v is not None:
                ws.cell(r + 1, c + 1, v)
    for r0, r1, c0, c1 in MERGES:
        ws.merge_cells(start_row=r0 + 1, end_row=r1 + 1, start_column=c0 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


@pytest.mark.parametrize("writer", [write_xls, write_xlsx], ids=["xls", "xlsx"])
def test_form_205_1_is_detected_and_read_as_records(tmp_path: Path, writer: Any) -> None:
    path = writer(tmp_path / f"form.{'xls' if writer is write_xls else 'xlsx'}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = read_records(path)
    # 原煤 1 000 t (energy), 天然气 40 − 10 = 30 万m³ energy + 10 万m³ feedstock, 电力 500 万kWh;
    # the 能源合计 row is left out and said
    assert r[["carrier", "quantity", "unit", "use"]].values.tolist() == [
        ["原煤", 1000.0, "吨", "energy"], ["天然气", 30.0, "万立方米", "energy"],
        ["天然气", 10.0, "万立方米", "feedstock"], ["电力", 500.0, "万千瓦时", "energy"]]
    assert r["source_row"].tolist() == [6, 7, 7, 8]                      # 1-based sheet rows
    assert set(r["enterprise"]) == {"诸暨市示例铸造有限公司"}
    assert set(r["credit_code"]) == {"91330681MA2701CT3E"}
    assert r["purchases"].tolist() == [1200.0, 50.0, 50.0, 500.0]       # 购进量 实物量, not 金额
    assert r.attrs["tanfeng_io"]["layout"] == "205-1"
    assert any("能源合计" in str(w.message) for w in caught)
    assert read_records(path, layout="205-1")["quantity"].sum() == pytest.approx(1540.0)


def test_form_205_1_feedstock_counts_in_tce_not_in_tce_excl_feedstock(tmp_path: Path) -> None:
    r = account(read_records(write_xls(tmp_path / "f.xls")), region="浙江", year=2022)
    coal, gas_e, gas_f, power = (r.iloc[i] for i in range(4))
    assert coal["tce"] == pytest.approx(1000 * 0.7143)                 # GB/T 2589 原煤 0.7143 tce/t
    assert power["tce"] == pytest.approx(500 * 0.1229 * 10)            # 500 万kWh × 0.1229 kgce/kWh = 614.5 t
    assert gas_f["tce"] == pytest.approx(gas_e["tce"] / 3)              # 10 : 30 万m³ of one gas
    assert gas_f["tce_excl_feedstock"] == 0 and gas_e["tce_excl_feedstock"] == pytest.approx(gas_e["tce"])


def test_form_205_1_feedstock_over_consumption_is_an_error(tmp_path: Path) -> None:
    BODY[1][7], saved = 50, BODY[1][7]
    try:
        path = write_xlsx(tmp_path / "f.xlsx")
    finally:
        BODY[1][7] = saved
    with pytest.raises(InputError) as exc:
        read_records(path)
    f = exc.value.failures
    assert f[["row", "reason"]].values.tolist() == [[7, "feedstock_exceeds_consumption"]]
    kept = read_records(path, errors="report")
    assert kept.loc[kept["source_row"] == 7, "problem"].str.contains("feedstock_exceeds_consumption").all()


def test_xls_with_merged_enterprise_cells_is_read_and_said(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("用能")
    for c, h in enumerate(["企业名称", "能源品种", "消费量", "计量单位"]):
        ws.write(0, c, h)
    ws.write_merge(1, 2, 0, 0, "甲公司")   # one enterprise over its two rows
    for r, row in enumerate([["原煤", 1000, "吨"], ["电力", 12.5, "万千瓦时"]], 1):
        for c, v in enumerate(row, 1):
            ws.write(r, c, v)
    path = tmp_path / "old.xls"
    wb.save(str(path))
    with pytest.warns(Warning, match=r"A2:A3"):
        r = read_records(path)
    assert r[["enterprise", "carrier", "quantity"]].values.tolist() == [["甲公司", "原煤", 1000.0],
                                                                        ["甲公司", "电力", 12.5]]


def test_merged_numbers_are_not_copied(tmp_path: Path) -> None:
    """A number merged over two rows stays in its first row: copying it would count it twice."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "能源品种", "消费量", "计量单位"])
    ws.append(["甲", "原煤", 1000, "吨"])
    ws.append(["乙", "原煤", None, "吨"])
    ws.merge_cells("C2:C3")
    wb.save(tmp_path / "m.xlsx")
    r = read_records(tmp_path / "m.xlsx", errors="report")
    assert r["quantity"].tolist()[0] == 1000.0 and len(r) == 2 and r["quantity"].isna().tolist()[1]


def test_a_title_merged_across_one_row_is_not_said_to_be_filled_down(tmp_path: Path) -> None:
    # the title A1:D1 is one row: no data row changes, so no note; 甲 over A3:A4 is filled down and said
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某镇 2022 年企业能源消费表"])
    ws.merge_cells("A1:D1")
    ws.append(["企业名称", "能源品种", "消费量", "计量单位"])
    ws.append(["甲", "原煤", 1000, "吨"])
    ws.append([None, "柴油", 10, "吨"])
    ws.merge_cells("A3:A4")
    wb.save(tmp_path / "t.xlsx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = read_records(tmp_path / "t.xlsx")
    notes = [str(w.message) for w in caught if "A1:D1" in str(w.message) or "A3:A4" in str(w.message)]
    assert len(notes) == 1 and "A3:A4" in notes[0] and "A1:D1" not in notes[0]
    assert r["enterprise"].tolist() == ["甲", "甲"]

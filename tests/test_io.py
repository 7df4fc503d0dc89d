"""tanfeng.io: analysts' files in (GBK CSV, Excel, wide and long), a safe workbook out."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tanfeng.errors import InputError
from tanfeng.io import (
    FileFormatError,
    IOWarning,
    header_label,
    load_headers,
    parse_number,
    parse_numbers,
    read_records,
    read_table,
    write_report_xlsx,
)

WIDE_HEADERS = ["企业名称", "统一社会信用代码", "所属乡镇", "年份", "月份",
                "用电量(万千瓦时)", "天然气（万立方米）", "原煤/吨", "柴油 t"]
# (enterprise, credit code, town, year, month, 电 万kWh, 气 万m3, 原煤 t, 柴油 t); None = not used
WIDE_ROWS = [
    ("诸暨市甲袜业有限公司", "91330100799655058B", "大唐街道", 2022, 3, "1,234.5", "12", None, "１２"),
    ("诸暨市乙铜业有限公司", "9144030071526726XG", "店口镇", 2022, 3, "56.78", "5,000", "0.03万", None),
    ("诸暨市丙印染有限公司", "91330100799655058B", "陶朱街道", 2022, 3, "8", None, None, None),
]
# what those rows must become: (enterprise, carrier, quantity, unit)
EXPECTED = [
    ("诸暨市甲袜业有限公司", "电力", 1234.5, "万千瓦时"),
    ("诸暨市甲袜业有限公司", "天然气", 12.0, "万立方米"),
    ("诸暨市甲袜业有限公司", "柴油", 12.0, "t"),          # full-width １２
    ("诸暨市乙铜业有限公司", "电力", 56.78, "万千瓦时"),
    ("诸暨市乙铜业有限公司", "天然气", 5000.0, "万立方米"),  # "5,000": 万 is in the header already
    ("诸暨市乙铜业有限公司", "原煤", 300.0, "吨"),         # 0.03万 = 300
    ("诸暨市丙印染有限公司", "电力", 8.0, "万千瓦时"),
]


def write_csv(path: Path, rows: list[list[object]], encoding: str, sep: str = ",") -> Path:
    lines = []
    for r in rows:
        cells = ["" if c is None else str(c) for c in r]
        lines.append(sep.join(f'"{c}"' if ("," in c and sep == ",") else c for c in cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None, sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def numeric(rows: list[tuple[object, ...]]) -> list[list[object]]:
    """The same rows as an Excel user types them: real numbers where the CSV has text."""
    out = []
    for r in rows:
        conv: list[object] = list(r[:5])
        for v in r[5:]:
            conv.append(None if v is None else parse_number(v))
        out.append(conv)
    return out


# ---------------------------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize(("text", "value"), [
    ("12万", 120_000.0), ("1,234.5", 1234.5), ("１２", 12.0), ("１２．５", 12.5), ("(30)", -30.0),
    ("1.5亿", 150_000_000.0), (" 7 ", 7.0), ("1,234,567", 1_234_567.0), ("2.5e3", 2500.0),
    ("－３", -3.0), ("0.0001万", 1.0), (12, 12.0), (1.5, 1.5),
])
def test_numbers_written_as_text(text: object, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("blank", [None, "", "  ", "—", "-", "/", "无", float("nan")])
def test_blank_marks_are_nan(blank: object) -> None:
    assert np.isnan(parse_number(blank))


@pytest.mark.parametrize(("text", "reason"), [
    ("abc", "quantity_not_numeric"), ("12吨", "quantity_with_unit"), ("1,23", "quantity_not_numeric"),
    ("1.2.3", "quantity_not_numeric"), (pd.Timestamp("2022-01-12"), "quantity_is_date"), (True, "quantity_not_numeric"),
    (float("inf"), "quantity_infinite"),
])
def test_unparsable_numbers_have_a_reason(text: object, reason: str) -> None:
    _, reasons = parse_numbers([text])
    assert reasons.tolist() == [reason]
    with pytest.raises(ValueError):
        parse_number(text)


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_grouped_fullwidth_and_wan_forms_round_trip(d) -> None:  # type: ignore[no-untyped-def]
    v = float(d)
    grouped = f"{v:,.2f}"
    full = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c in ".-" else c for c in f"{v:.2f}")
    wan = f"{d / 10000}万"
    assert parse_number(grouped) == pytest.approx(v, abs=1e-9)
    assert parse_number(full) == pytest.approx(v, abs=1e-9)
    assert parse_number(wan) == pytest.approx(v, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# records: GBK CSV and Excel, wide headers


def test_gbk_csv_and_excel_wide_round_trip_into_the_same_records(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "能耗.csv", [WIDE_HEADERS, *map(list, WIDE_ROWS)], "gbk")
    xlsx = write_xlsx(tmp_path / "能耗.xlsx", [WIDE_HEADERS, *numeric(WIDE_ROWS)],
                      title="2022年3月 重点企业能源消费表", sheet="3月")
    a = read_records(csv)
    b = read_records(xlsx)
    assert a.attrs["tanfeng_io"]["encoding"] == "gbk" and a.attrs["tanfeng_io"]["format"] == "wide"
    assert b.attrs["tanfeng_io"]["sheet"] == "3月" and b.attrs["tanfeng_io"]["header_row"] == 2
    assert b.attrs["tanfeng_io"]["file"].endswith("能耗.xlsx")
    cols = ["enterprise", "credit_code", "town", "year", "month", "carrier", "quantity", "unit", "source_column"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert a[["enterprise", "carrier", "quantity", "unit"]].values.tolist() == [list(e) for e in EXPECTED]
    # Excel rows: the CSV header is line 1, so data starts at 2; the workbook has a title row above
    assert a["source_row"].tolist() == [2, 2, 2, 3, 3, 3, 4]
    assert b["source_row"].tolist() == [3, 3, 3, 4, 4, 4, 5]
    assert a["year"].dtype == "Int64" and a["credit_code"].iloc[0] == "91330100799655058B"


def test_records_are_ready_for_account(tmp_path: Path) -> None:
    from tanfeng.accounting import account

    r = read_records(write_csv(tmp_path / "e.csv", [WIDE_HEADERS, *map(list, WIDE_ROWS)], "gbk"))
    out = account(r, co2=False)
    # 电力 1 234.5 万kWh × 0.1229 kgce/kWh = 12 345 000 kWh × 0.1229 / 1000 = 1 517.2005 tce
    assert out["tce"].iloc[0] == pytest.approx(1517.2005)
    # 原煤 300 t × 0.7143 kgce/kg = 214.29 tce
    assert out["tce"].iloc[5] == pytest.approx(214.29)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    rows = [WIDE_HEADERS, *map(list, WIDE_ROWS)]
    if encoding == "gb18030":  # a character GBK lacks: only GB18030 reads it
        rows[1] = ["诸暨市𠀀袜业有限公司", *rows[1][1:]]
    sep = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is tab-separated UTF-16
    r = read_records(write_csv(tmp_path / "e.csv", rows, encoding, sep))
    assert r.attrs["tanfeng_io"]["encoding"] == encoding
    assert r["quantity"].tolist() == [e[2] for e in EXPECTED]


def test_csv_with_a_title_line_and_semicolons(tmp_path: Path) -> None:
    rows = [["2022年重点用能单位能源消费情况"], ["企业名称", "用电量(万千瓦时)"], ["甲", "1,5"], ["乙", "2"]]
    path = write_csv(tmp_path / "t.csv", rows, "gbk", sep=";")
    with pytest.raises(InputError) as info:   # "1,5" is not a thousands-grouped number: reported
        read_records(path)
    assert info.value.failures[["row", "cell"]].values.tolist() == [[3, "B3"]]
    r = read_records(path, errors="report")
    assert r.attrs["tanfeng_io"]["delimiter"] == ";" and r.attrs["tanfeng_io"]["header_row"] == 2
    assert r["quantity"].tolist()[1] == 2.0


def test_unit_row_below_the_header(tmp_path: Path) -> None:
    rows = [["企业名称", "用电量", "天然气"], [None, "万千瓦时", "万m3"], ["甲", 10, 2]]
    r = read_records(write_xlsx(tmp_path / "u.xlsx", rows))
    assert r[["carrier", "quantity", "unit"]].values.tolist() == [["电力", 10.0, "万千瓦时"], ["天然气", 2.0, "万m3"]]
    assert r.attrs["tanfeng_io"]["header_rows"] == 2


def test_unparsable_cells_reported_with_row_column_and_cell(tmp_path: Path) -> None:
    rows = [WIDE_HEADERS, *numeric(WIDE_ROWS)]
    rows[2][5] = "五十六"          # 乙: Excel row 4 (title row 1, header 2), column F
    rows[3][8] = "12吨"            # 丙: Excel row 5, column I
    path = write_xlsx(tmp_path / "bad.xlsx", rows, title="标题", sheet="能耗")
    with pytest.raises(InputError) as info:
        read_records(path)
    f = info.value.failures
    assert f[["row", "column", "cell", "reason"]].values.tolist() == [
        [4, "用电量(万千瓦时)", "F4", "quantity_not_numeric"],
        [5, "柴油 t", "I5", "quantity_with_unit"],
    ]
    assert set(f["sheet"]) == {"能耗"} and set(f["file"]) == {"bad.xlsx"}
    assert "bad.xlsx" in str(info.value) and "能耗" in str(info.value)
    # errors="report": every record kept, the bad ones NaN with the reason
    r = read_records(path, errors="report")
    bad = r[r["problem"] != ""]
    assert bad[["source_row", "source_column"]].values.tolist() == [[4, "用电量(万千瓦时)"], [5, "柴油 t"]]
    assert bad["quantity"].isna().all() and len(r) == len(EXPECTED) + 1


def test_carrier_column_without_unit_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", [["企业名称", "电力", "天然气(万m3)"], ["甲", "10", "2"]], "utf-8")
    with pytest.raises(InputError) as info:
        read_records(path)
    f = info.value.failures
    assert f["reason"].tolist() == ["header_unit_missing"] and f["column"].tolist() == ["电力"]
    r = read_records(path, errors="report")   # kept, with the reason on each of its records
    assert r.set_index("source_column")["problem"].to_dict() == {"电力": "header_unit_missing: '电力'",
                                                                  "天然气(万m3)": ""}


def test_wrong_dimension_in_header_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [["企业名称", "天然气(吨)"], ["甲", "2"]], "utf-8")
    with pytest.raises(InputError) as info:
        read_records(path)
    assert info.value.failures["reason"].tolist() == ["header_unit_dimension"]


def test_long_format_kept_as_written_and_checked(tmp_path: Path) -> None:
    rows = [["企业名称", "年份", "能源品种", "消费量", "计量单位"],
            ["甲", "2022年", "电", "1,200", "万kWh"], ["甲", "2022", "天然气", "3万", "m3"],
            ["乙", "2022", "电力", "5", "度"]]
    r = read_records(write_csv(tmp_path / "l.csv", rows, "gbk"))
    assert r.attrs["tanfeng_io"]["format"] == "long"
    assert r[["carrier", "quantity", "unit"]].values.tolist() == [["电", 1200.0, "万kWh"],
                                                                  ["天然气", 30000.0, "m3"], ["电力", 5.0, "度"]]
    assert r["year"].tolist() == [2022, 2022, 2022]
    bad = [*rows, ["丙", "2022", "煤气罐", "1", "个"], ["丁", "2022", "天然气", "2", "吨"]]
    with pytest.raises(InputError) as info:
        read_records(write_csv(tmp_path / "bad.csv", bad, "gbk"))
    f = info.value.failures
    assert f[["row", "reason"]].values.tolist() == [[5, "carrier_unknown"], [6, "unit_dimension"]]
    # the message names the measure in Chinese (天然气 is metered by volume, 体积), never 'volume'
    assert "天然气 按体积计量" in f["message"].iloc[1] and "volume" not in f["message"].iloc[1]


def test_totals_and_footnotes_left_out_with_a_warning(tmp_path: Path) -> None:
    rows = [["企业名称", "用电量(万千瓦时)"], ["甲", 10], ["乙", 5], ["合计", 15], ["注：数据来自供电公司"]]
    with pytest.warns(IOWarning, match="合计"):
        r = read_records(write_xlsx(tmp_path / "t.xlsx", rows))
    assert r["quantity"].tolist() == [10.0, 5.0]
    assert [s["row"] for s in r.attrs["tanfeng_io"]["skipped_rows"]] == [4, 5]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_empty_rows_and_cells_under_no_header_are_reported_never_silent(tmp_path: Path, fmt: str) -> None:
    # row 3 is wholly empty; D4 has a value right of the last header; row 5 has a value only
    # there (G5); blank rows after the table's last row are not rows
    rows: list[list[object]] = [["企业名称", "用电量(万千瓦时)"], ["甲", 10], [None, None], ["乙", 20, None, 99],
                                [None, None, None, None, None, None, 7], ["丙", 30], [None], [None]]
    path = write_xlsx(tmp_path / "g.xlsx", rows) if fmt == "xlsx" else write_csv(tmp_path / "g.csv", rows, "utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = read_records(path)
    io_warnings = [str(w.message) for w in caught if issubclass(w.category, IOWarning)]
    assert len(io_warnings) == 2  # once for the rows left out, once for the cells not read
    assert "第 3 行（空行）" in io_warnings[0] and "第 5 行（只有表头以外的单元格有值）" in io_warnings[0]
    assert "D4, G5" in io_warnings[1]
    meta = r.attrs["tanfeng_io"]
    assert meta["skipped_rows"] == [{"row": 3, "why": "空行"}, {"row": 5, "why": "只有表头以外的单元格有值"}]
    assert [c["cell"] for c in meta["ignored_cells"]] == ["D4", "G5"]
    assert [float(c["value"]) for c in meta["ignored_cells"]] == [99.0, 7.0]
    # no data row lost: 甲, 乙, 丙 in file order, with their Excel rows
    assert r[["enterprise", "quantity", "source_row"]].values.tolist() == [["甲", 10.0, 2], ["乙", 20.0, 4],
                                                                           ["丙", 30.0, 6]]


def test_row_without_any_energy_is_named(tmp_path: Path) -> None:
    rows = [["企业名称", "用电量(万千瓦时)"], ["甲", 10], ["乙", None]]
    with pytest.warns(IOWarning, match="没有用量"):
        r = read_records(write_xlsx(tmp_path / "e.xlsx", rows))
    assert r.attrs["tanfeng_io"]["empty_rows"] == [3]


def test_mapping_renames_headers_both_ways(tmp_path: Path) -> None:
    rows = [["单位名称(盖章)", "自备电厂发电", "备注"], ["甲", "3", "x"]]
    path = write_csv(tmp_path / "m.csv", rows, "utf-8")
    r = read_records(path, mapping={"单位名称(盖章)": "enterprise", "自备电厂发电": "电力(万千瓦时)", "备注": None})
    assert r[["enterprise", "carrier", "quantity", "unit"]].values.tolist() == [["甲", "电力", 3.0, "万千瓦时"]]
    assert "备注" not in r.columns
    r2 = read_records(path, mapping={"enterprise": "单位名称(盖章)", "电力(万千瓦时)": "自备电厂发电"})
    assert r2["enterprise"].tolist() == ["甲"]
    with pytest.raises(FileFormatError, match="单位名称"):
        read_records(path, mapping={"单位名称": "enterprise"})


def test_period_gives_year_and_month(tmp_path: Path) -> None:
    rows = [["户名", "抄表年月", "用电量(千瓦时)"], ["甲", "202203", "100"], ["甲", "2022年4月", "120"]]
    r = read_records(write_csv(tmp_path / "p.csv", rows, "gbk"))
    assert r[["year", "month"]].values.tolist() == [[2022, 3], [2022, 4]]


def test_sheet_choice_and_errors(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "1月"
    wb.active.append(["企业名称", "用电量(万千瓦时)"])
    wb.active.append(["甲", 1])
    ws = wb.create_sheet("2月")
    ws.append(["企业名称", "用电量(万千瓦时)"])
    ws.append(["甲", 2])
    wb.save(tmp_path / "m.xlsx")
    assert read_records(tmp_path / "m.xlsx", sheet="2月")["quantity"].tolist() == [2.0]
    both = read_records(tmp_path / "m.xlsx", sheet="*")
    assert both[["source_sheet", "quantity"]].values.tolist() == [["1月", 1.0], ["2月", 2.0]]
    with pytest.raises(FileFormatError, match="3月"):
        read_records(tmp_path / "m.xlsx", sheet="3月")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # a damaged .xls: said, not a traceback
    with pytest.raises(FileFormatError, match=r"old\.xls: not a readable Excel workbook"):
        read_records(tmp_path / "old.xls")


# ---------------------------------------------------------------------------------------------
# enterprise / project tables


def test_read_table_maps_headers_converts_units_and_keeps_codes(tmp_path: Path) -> None:
    rows = [["企业名称", "统一社会信用代码", "行业代码", "实缴税金(元)", "实际用地面积（亩）", "用电量(千瓦时)",
             "年平均职工人数(人)", "投产年份", "评级"],
            ["甲", "91330100799655058B", 2614, 1_234_500, "10", "25,000", 12, "2019-06-30", "A"],
            ["乙", "9144030071526726XG", "0610", "(5,000)", 3.5, "1万", 7, 2017, "B"]]
    t = read_table(write_xlsx(tmp_path / "firms.xlsx", rows))
    assert list(t.index) == [2, 3] and t.index.name == "source_row"
    # 1 234 500 元 = 123.45 万元; a refund (5,000) 元 = −0.5 万元; 25 000 kWh = 2.5 万kWh
    assert t["tax"].tolist() == [123.45, -0.5]
    assert t["land_area"].tolist() == [10.0, 3.5]
    assert t["electricity"].tolist() == [2.5, 1.0]
    assert t["industry_code"].tolist() == ["2614", "0610"]   # text, leading zero kept
    assert t["built_year"].tolist() == [2019, 2017]
    assert t["employees"].tolist() == [12.0, 7.0]
    assert t["评级"].tolist() == ["A", "B"]                   # unknown column kept as it is
    assert t.attrs["units"]["tax"] == "万元"
    assert t.attrs["tanfeng_io"]["converted"]["tax"].startswith("元 → 万元")


def test_read_table_reports_bad_cells(tmp_path: Path) -> None:
    rows = [["企业名称", "实缴税金(万元)", "建成年份"], ["甲", "十万", "二〇一九"]]
    with pytest.raises(InputError) as info:
        read_table(write_csv(tmp_path / "b.csv", rows, "gbk"))
    f = info.value.failures
    assert f[["row", "column", "reason", "cell"]].values.tolist() == [
        [2, "实缴税金(万元)", "quantity_not_numeric", "B2"], [2, "建成年份", "year_invalid", "C2"]]
    t = read_table(tmp_path / "b.csv", errors="report")
    assert np.isnan(t["tax"].iloc[0]) and "quantity_not_numeric" in t["problem"].iloc[0]


def test_headers_are_data() -> None:
    specs = load_headers()
    assert specs["tax"].unit == "万元" and "实缴税金" in specs["tax"].aliases
    assert specs["land_area"].unit == "亩" and specs["credit_code"].dtype == "code"
    seen: dict[str, str] = {}
    from tanfeng._resources import normalize_name

    for spec in specs.values():  # an alias names one column only
        for a in (spec.standard, *spec.aliases):
            assert seen.setdefault(normalize_name(a), spec.standard) == spec.standard, a


# ---------------------------------------------------------------------------------------------
# the report workbook

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "=1+1"]


def test_formula_injection_comes_back_as_text(tmp_path: Path) -> None:
    df = pd.DataFrame({"enterprise": HOSTILE, "tax": np.arange(len(HOSTILE), dtype=float)})
    path = write_report_xlsx(tmp_path / "results.xlsx", {"企业": df})
    ws = load_workbook(path)["企业"]
    for i, name in enumerate(HOSTILE, start=2):
        cell = ws.cell(row=i, column=1)
        assert cell.value == name and cell.data_type == "s"
        assert cell.quotePrefix
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml   # no formula anywhere
    assert '<dimension ref="A1:B7"' in xml          # 6 rows + header, 2 columns: readers need not scan
    # and reading the workbook back gives the same names, as text
    back = read_table(path)
    assert back["enterprise"].tolist() == [h.strip() for h in HOSTILE]


def test_report_formatting(tmp_path: Path) -> None:
    df = pd.DataFrame({
        "enterprise": ["诸暨市甲袜业有限公司", "乙"], "year": [2022, 2023], "tax": [1234.5, 0.25],
        "energy_tce": [12345.678, 1.0], "share": [0.5, 0.25], "date": pd.to_datetime(["2022-03-01", None]),
        "two_high": [True, False], "自定义": [np.nan, 3.0],
    })
    path = write_report_xlsx(tmp_path / "r.xlsx", {"结果/汇总:1": df}, units={"自定义": "吨"},
                             notes="合成数据，仅供演示")
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "结果_汇总_1"]
    assert wb["说明"]["A1"].value == "合成数据，仅供演示"
    ws = wb["结果_汇总_1"]
    assert [c.value for c in ws[1]] == ["企业名称", "年份", "实缴税金（万元）", "综合能耗（吨标准煤）", "完成比例",
                                        "完成日期", "是否两高", "自定义（吨）"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert ws["B2"].number_format == "0" and ws["C2"].number_format == "#,##0.00"
    assert ws["D2"].number_format == "#,##0.0" and ws["E2"].number_format == "0.0%"
    assert ws["F2"].number_format == "yyyy-mm-dd" and ws["F3"].value is None
    assert ws["G2"].value == "是" and ws["H2"].value is None and ws["H3"].value == 3
    assert ws.column_dimensions["A"].width >= 20  # 10 CJK characters count double
    assert ws.auto_filter.ref == "A1:H3"


def test_workbook_number_formats_by_meaning(tmp_path: Path) -> None:
    """Factors keep their digits, shares are %, a score is a plain number, no stray index column."""
    df = pd.DataFrame({"id": ["a", "b", "c"], "value": [0.1229, 0.03412, 2.0], "rd_share": [0.016, 0.02, 0.5],
                       "rd_share_score": [5.29, 1.0, 0.0], "score": [99.5, 80.25, 3.0]}, index=[4, 17, 30])
    ws = load_workbook(write_report_xlsx(tmp_path / "f.xlsx", {"系数": df}))["系数"]
    assert [c.value for c in ws[1]] == ["编号", "数值", "R&D经费支出占主营业务收入比", "R&D经费支出占主营业务收入比得分", "综合得分"]
    # 0.1229 shown as 0.1229 (not 0.12), GB/T 2589's 0.03412 kgce/MJ as 0.03412 (not 0.0341): up to 6 decimals
    assert ws["B2"].number_format == ws["B3"].number_format == "0.0#####"
    assert ws["C2"].number_format == "0.0%" and ws["D2"].number_format != "0.0%"
    assert "%" not in ws["E2"].number_format


def test_report_round_trips_through_read_table(tmp_path: Path) -> None:
    from tanfeng.datasets import zhuji_sample

    ent = zhuji_sample(0).enterprises.head(30)
    path = write_report_xlsx(tmp_path / "e.xlsx", {"企业": ent})
    with warnings.catch_warnings():
        warnings.simplefilter("error", IOWarning)
        back = read_table(path, sheet="企业")
    for col in ["enterprise", "credit_code", "town", "industry_code", "scale", "tax", "land_area", "energy_tce",
                "electricity", "employees"]:
        got, want = back[col].tolist(), ent[col].tolist()
        assert got == pytest.approx(want) if isinstance(want[0], float) else got == want, col


def test_header_label() -> None:
    assert header_label("energy_tce") == "综合能耗（吨标准煤）"
    assert header_label("electricity") == "用电量（万千瓦时）"
    assert header_label("tax", lang="en") == "tax (万元)"
    assert header_label("自定义", "吨") == "自定义（吨）"


def test_too_many_rows_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tanfeng.io.xlsx as xlsx

    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(FileFormatError, match="rows"):
        write_report_xlsx(tmp_path / "big.xlsx", {"x": pd.DataFrame({"a": range(5)})})
    assert not (tmp_path / "big.xlsx").exists()


def test_wan_in_the_cell_and_in_the_unit_is_reported_by_cell(tmp_path: Path) -> None:
    """``12万`` under a 万m³ unit (long table) or a 万千瓦时 header (wide table) would be read as
    10⁴ times what was meant: each is ``quantity_scale_twice`` at its cell; 万 in one place only
    reads as usual (12万 under 立方米 = 120000)."""
    long_rows = [["企业名称", "能源品种", "计量单位", "消费量"],
                 ["甲", "天然气", "万m³", "12万"], ["乙", "天然气", "立方米", "12万"], ["丙", "天然气", "万m³", "12"]]
    with pytest.raises(InputError) as info:
        read_records(write_xlsx(tmp_path / "long.xlsx", long_rows))
    assert info.value.failures[["cell", "reason"]].values.tolist() == [["D2", "quantity_scale_twice"]]
    r = read_records(tmp_path / "long.xlsx", errors="report")
    assert np.isnan(r["quantity"].iloc[0]) and r["quantity"].tolist()[1:] == [120000.0, 12.0]
    wide_rows = [["企业名称", "用电量(万千瓦时)", "原煤/吨"], ["甲", "1.5万", "3万"]]
    with pytest.raises(InputError) as info:
        read_records(write_xlsx(tmp_path / "wide.xlsx", wide_rows))
    assert info.value.failures[["cell", "reason"]].values.tolist() == [["B2", "quantity_scale_twice"]]
    v, r2 = parse_numbers(["12万", "12万"], scaled_unit=np.array([True, False]))
    assert r2.tolist() == ["quantity_scale_twice", ""] and v[1] == 120000.0

"""计算书 (write_statement): live formulas recomputed by an Excel engine, values worked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import formulas  # the dev extra's Excel engine: a missing engine fails here, never skips
import pandas as pd
import pytest
from openpyxl import load_workbook

import tanfeng
from tanfeng.factors import FactorSet

REGION, YEAR = "浙江", 2022
# account() warns that 烟煤 has no GB/T 2589 coefficient although the row's measured NCV is used
# (and which 等价值 year it used): fallbacks are tested where they are made, not here
pytestmark = pytest.mark.filterwarnings("ignore::tanfeng.errors.FactorFallbackWarning")


@pytest.fixture(scope="module")
def factors() -> FactorSet:
    """Shipped factors plus a stated 等价值 coal rate (so the hand-worked numbers do not move when
    the shipped series is revised): 0.300 kgce/kWh for 2021, which data year 2022 uses (GB 30251
    按上年; the nearest year under any rule)."""
    return FactorSet.default().override(
        [{"carrier": "电力", "quantity": "tce_coefficient", "value": 0.300, "unit": "kgce/kWh",
          "basis": "等价值", "data_year": 2021, "variant": "", "source": "test-2022", "confidence": "verified"}],
        sources=[{"id": "test-2022", "title": "测试用等价值通知", "number": "测〔2022〕1号", "date": "2022-03-01"}])


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return pd.DataFrame({
        "企业": ["甲", "甲", "甲", "甲", "甲", "乙", "乙", "丙", "丙"],
        "能源品种": ["原煤", "原煤", "电力", "电力", "柴油", "外购电力", "烟煤", "蒸汽", "天然气"],
        "消费量": [1000, 200, 100, 10, 20, "1,000", 500, 100, 10],
        "计量单位": ["吨", "t", "万千瓦时", "万kWh", "t", "kWh", "吨", "t", "万m3"],
        "用途": ["", "原料", "", "", "", "", "", "", ""],
        "流向": ["", "", "", "外供", "", "", "", "", ""],
        "低位发热量": ["", "", "", "", "", "", "5000 kcal/kg", "", ""],
        "压力": ["", "", "", "", "", "", "", "1.0 MPa", ""],
        "温度": ["", "", "", "", "", "", "", "", "20 ℃"],
    })


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, records: pd.DataFrame, factors: FactorSet):
    path = tmp_path_factory.mktemp("statement") / "计算书.xlsx"
    st = tanfeng.write_statement(records, path, region=REGION, year=YEAR, factors=factors)
    return path, st


def recalc(path: Path) -> dict[tuple[str, str], object]:
    """Every cell's value as the `formulas` Excel engine computes it: (SHEET, A1) -> value."""
    sol = formulas.ExcelModel().loads(str(path)).finish().calculate()
    out: dict[tuple[str, str], object] = {}
    for key, v in sol.items():
        ref = str(key)
        sheet, cell = ref.split("]", 1)[1].rsplit("!", 1)
        if ":" in cell:
            continue
        out[(sheet.rstrip("'").upper(), cell.upper())] = v.value[0][0] if hasattr(v, "value") else v
    return out


def total_cells(path: Path, heading: str = "五、汇总") -> dict[str, dict[str, str]]:
    """Sheet -> {label of a 汇总 row -> its value cell}."""
    wb = load_workbook(path)
    out: dict[str, dict[str, str]] = {}
    for ws in wb.worksheets[:-1]:
        rows = {}
        in_totals = False
        for row in ws.iter_rows(min_col=1, max_col=2):
            label = row[0].value
            if label == heading:
                in_totals = True
            elif in_totals and isinstance(label, str) and row[1].data_type == "f":
                rows[label.strip()] = row[1].coordinate
        out[ws.title] = rows
    return out


LABELS = {
    "tce_calorific": "综合能源消费量（当量值）",
    "tce_substitution": "综合能源消费量（等价值）",
    "tce_calorific_excl_feedstock": "扣除原料用能后的综合能源消费量（当量值）",
    "tce_substitution_excl_feedstock": "扣除原料用能后的综合能源消费量（等价值）",
    "co2_scope1": "二氧化碳排放 范围一（直接燃烧）",
    "co2_scope2": "二氧化碳排放 范围二（外购电力、热力）",
    "co2_t": "二氧化碳排放合计",
}


def account_totals(records: pd.DataFrame, factors: FactorSet, who: str) -> dict[str, float]:
    """The same totals straight from account(), summed with pandas."""
    cal = tanfeng.account(records, basis="当量值", region=REGION, year=YEAR, factors=factors)
    sub = tanfeng.account(records, basis="等价值", region=REGION, year=YEAR, factors=factors, co2=False)
    m = records["企业"] == who
    c, s = cal[m], sub[m]
    return {"tce_calorific": c["tce"].sum(), "tce_substitution": s["tce"].sum(),
            "tce_calorific_excl_feedstock": c["tce_excl_feedstock"].sum(),
            "tce_substitution_excl_feedstock": s["tce_excl_feedstock"].sum(),
            "co2_scope1": c.loc[c["scope"] == 1, "co2_t"].sum(), "co2_scope2": c.loc[c["scope"] == 2, "co2_t"].sum(),
            "co2_t": c["co2_t"].sum()}


def test_every_formula_recomputes_to_account(written, records, factors) -> None:
    path, _ = written
    values = recalc(path)
    wb = load_workbook(path)
    n_formulas = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    n_formulas += 1
                    v = values[(ws.title.upper(), cell.coordinate)]
                    assert isinstance(v, int | float) and math.isfinite(v), (ws.title, cell.coordinate, cell.value, v)
    assert n_formulas > 50
    cells = total_cells(path)
    for who in ("甲", "乙", "丙"):
        expected = account_totals(records, factors, who)
        for key, label in LABELS.items():
            got = values[(who.upper(), cells[who][label])]
            assert got == pytest.approx(expected[key], rel=1e-9, abs=1e-9), (who, label)


def test_totals_worked_by_hand(written, factors) -> None:
    path, st = written
    values = recalc(path)
    cells = total_cells(path)["甲"]

    def total(key: str) -> float:
        return float(values[("甲", cells[LABELS[key]])])  # type: ignore[arg-type]

    # 当量值: 原煤 1000 t × 0.7143 = 714.3; 原料 原煤 200 t × 0.7143 = 142.86; 电力 100 万kWh × 1.229 = 122.9;
    # 外供 10 万kWh × 1.229 = −12.29; 柴油 20 t × 1.4571 = 29.142
    assert total("tce_calorific") == pytest.approx(714.3 + 142.86 + 122.9 - 12.29 + 29.142, rel=1e-12)
    assert total("tce_calorific_excl_feedstock") == pytest.approx(714.3 + 122.9 - 12.29 + 29.142, rel=1e-12)
    # 等价值: electricity at 0.300 kgce/kWh: 100 万kWh → 300.0, 外供 10 万kWh → −30.0
    assert total("tce_substitution") == pytest.approx(714.3 + 142.86 + 300.0 - 30.0 + 29.142, rel=1e-12)
    assert total("tce_substitution_excl_feedstock") == pytest.approx(714.3 + 300.0 - 30.0 + 29.142, rel=1e-12)
    # 范围二: (100 − 10) 万kWh = 900 MWh × 0.5153 tCO2/MWh (浙江 2022) = 463.77
    assert total("co2_scope2") == pytest.approx(900 * 0.5153, rel=1e-12)
    # the diesel line: 20 t × 42.652 GJ/t × 20.2 tC/TJ × 0.98 × 44/12 (GB/T 32151.22-2024 表C.1)
    diesel = next(ln for ln in st.entities[0].lines if ln.carrier == "柴油")
    assert diesel.co2_value == pytest.approx(20 * 42.652 / 1000 * 20.2 * 0.98 * 44 / 12, rel=1e-12)
    # 乙: "1,000" kWh × 0.1229 kgce/kWh = 0.1229 tce; 烟煤 500 t at a measured 5000 kcal/kg:
    # 500 000 kg × 5000 kcal/kg ÷ 7 000 000 kcal/tce = 357.142857… tce
    got = float(values[("乙", total_cells(path)["乙"][LABELS["tce_calorific"]])])  # type: ignore[arg-type]
    assert got == pytest.approx(0.1229 + 500_000 * 5000 / 7_000_000, rel=1e-12)


def test_numbers_account_computes_itself_are_shown_as_given(written) -> None:
    _, st = written
    steam, gas = st.entities[2].lines
    heat = next(t for t in steam.tce["calorific"] or [] if t.kind == "given")
    # saturated steam at 1.0 MPa: h = 2777.1 kJ/kg (IAPWS-IF97 steam tables), less 83.74 kJ/kg
    assert heat.unit == "MJ/t" and heat.value == pytest.approx(2777.1 - 83.74, abs=0.1)
    ratio = next(t for t in gas.tce["calorific"] or [] if t.kind == "given")
    assert ratio.value == pytest.approx(273.15 / 293.15, rel=1e-9)  # a 20 ℃ volume at 0 ℃


def test_changing_a_coefficient_moves_the_totals(written, tmp_path: Path) -> None:
    path, _ = written
    wb = load_workbook(path)
    ws = wb["甲"]
    # the 原煤 折标系数 of part 二 (当量值): the first cell holding 0.7143 after the part's heading
    heading = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("二、"))
    coef = next(c for row in ws.iter_rows(min_row=heading) for c in row if c.value == 0.7143)
    coef.value = 0.8
    edited = tmp_path / "改系数.xlsx"
    wb.save(edited)
    values = recalc(edited)
    cells = total_cells(edited)["甲"]
    # only the 1000 t energy-use line has that cell: +1000 t × (0.8 − 0.7143) kgce/kg = +85.7 tce
    before = 714.3 + 142.86 + 122.9 - 12.29 + 29.142
    assert float(values[("甲", cells[LABELS["tce_calorific"]])]) == pytest.approx(before + 85.7, rel=1e-12)  # type: ignore[arg-type]
    assert float(values[("甲", cells[LABELS["tce_substitution"]])]) == pytest.approx(  # type: ignore[arg-type]
        714.3 + 142.86 + 300.0 - 30.0 + 29.142, rel=1e-12)  # the other basis has its own coefficient cell


def test_user_text_never_becomes_a_formula(tmp_path: Path) -> None:
    nasty = ['=HYPERLINK("http://evil","点我")', "+1+1", "-2", "@SUM(A1)"]
    df = pd.DataFrame({"企业": nasty, "能源品种": ["原煤"] * 4, "消费量": [1, 2, 3, 4], "计量单位": ["t"] * 4,
                       "备注": ["=1+1", "+cmd", "-x", "@y"]})
    df = pd.concat([df, df.assign(备注="正常")], ignore_index=True)  # 备注 varies: shown per line
    path = tmp_path / "注入.xlsx"
    tanfeng.write_statement(df, path, region=REGION, year=YEAR)
    wb = load_workbook(path)
    texts = set(nasty) | {"=1+1", "+cmd", "-x", "@y"}
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in texts:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
                if cell.data_type == "f":
                    assert not any(t in cell.value for t in texts - {"-2", "-x"}), cell.value
    assert {"=1+1", "+cmd", "-x", "@y"} <= seen


def test_html_and_markdown_write_the_formulas_in_words(tmp_path: Path, records, factors) -> None:
    md = tmp_path / "甲.md"
    tanfeng.write_statement(records.assign(消费量=[1000, 200, 1699.4915, 10, 20, 1, 1, 1, 1]), md, only="甲",
                            region=REGION, year=YEAR, factors=factors)
    text = md.read_text(encoding="utf-8")
    assert "1699.4915 万千瓦时 × 10000 kWh/万千瓦时 × 0.1229 kgce/kWh" in text  # every digit as given
    assert "1000 吨 × 1000 kg/吨 × 0.7143 kgce/kg × 0.001 tce/kgce = 714.3000 tce" in text
    assert "20 t × 42.652 GJ/t × 0.001 TJ/GJ × 20.2 tC/TJ × 0.98 × 44/12 tCO2/tC" in text
    assert "## 乙" not in text and "测〔2022〕1号" in text  # only 甲; the 等价值 notice on 依据
    page = tmp_path / "甲.html"
    tanfeng.write_statement(records.assign(企业="<b>甲</b>"), page, region=REGION, year=YEAR, factors=factors)
    assert "&lt;b&gt;甲&lt;/b&gt;" in page.read_text(encoding="utf-8")


def test_substitution_factor_as_account_takes_it(tmp_path: Path, records: pd.DataFrame) -> None:
    st = tanfeng.write_statement(records, tmp_path / "乙.md", only="乙", region=REGION, year=YEAR,
                                 substitution_factor="0.28 kgce/kWh")
    # 1 000 kWh × 0.28 kgce/kWh = 0.28 tce; 烟煤 at its measured NCV as before
    assert st.entities[0].totals["tce_substitution"] == pytest.approx(0.28 + 500_000 * 5000 / 7_000_000, rel=1e-12)
    elec = st.entities[0].lines[0].tce["substitution"]
    assert elec is not None and [t.kind for t in elec] == ["factor", "conversion"]  # a cited row, not a bare number
    assert st.substitution[0]["value"] == 0.28 and "0.28" in (tmp_path / "乙.md").read_text(encoding="utf-8")


def test_clear_errors(tmp_path: Path, records) -> None:
    with pytest.raises(tanfeng.errors.UnknownNameError, match="甲乙丙") as exc:
        tanfeng.write_statement(records, tmp_path / "x.xlsx", only="甲乙丙")
    assert exc.value.suggestions[0] == "甲"
    with pytest.raises(KeyError, match="企业"):
        tanfeng.write_statement(records, tmp_path / "x.xlsx", by="企")
    with pytest.raises(ValueError, match=r"\.xlsx"):
        tanfeng.write_statement(records, tmp_path / "x.pdf")


def test_one_sheet_per_entity_and_year(tmp_path: Path) -> None:
    df = pd.DataFrame({"enterprise": ["甲", "甲"], "year": [2021, 2022], "carrier": ["电力", "电力"],
                       "quantity": [1, 2], "unit": ["万kWh", "万kWh"]})
    st = tanfeng.write_statement(df, tmp_path / "y.xlsx", region=REGION)
    assert [e.title for e in st.entities] == ["甲 2021年", "甲 2022年"]
    assert [round(e.totals["tce_calorific"], 6) for e in st.entities] == [1.229, 2.458]  # 万kWh × 1.229


def test_cli_statement(tmp_path: Path, records: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    from tanfeng.cli import main

    src = tmp_path / "台账.csv"
    records.to_csv(src, index=False)
    out = tmp_path / "甲.md"
    assert main(["statement", str(src), "--by", "企业", "--only", "甲", "--year", "2022", "--out", str(out)]) == 0
    assert "## 甲" in out.read_text(encoding="utf-8")
    assert "甲: 5" in capsys.readouterr().out
    assert main(["statement", str(src), "--only", "丁", "--out", str(tmp_path / "x.xlsx")]) == 1
    assert "丁" in capsys.readouterr().err


def test_an_unknown_factor_kind_is_shown_as_the_number_applied() -> None:
    from tanfeng.statement.chains import co2_chain, tce_chain

    # e.g. a steam row whose heat account() computed by a method this statement does not rebuild
    (term,) = tce_chain({}, "steam-enthalpy-iapws", "t", 0.0987, "当量值")
    assert (term.kind, term.value, term.unit) == ("applied", 0.0987, "tce/t")
    assert "steam-enthalpy-iapws" in term.label
    (term,) = co2_chain({}, "steam-enthalpy-iapws+heat-co2", "t", 0.2861)
    assert (term.kind, term.value) == ("applied", 0.2861)


#: The English labels of the totals (``statement_total_*`` of factors/rules/texts/statement.csv).
LABELS_EN = {
    "tce_calorific": "Comprehensive energy consumption, calorific basis (当量值)",
    "tce_substitution": "Comprehensive energy consumption, substitution basis (等价值)",
    "tce_calorific_excl_feedstock": "Comprehensive energy consumption excluding feedstock, calorific basis (当量值)",
    "tce_substitution_excl_feedstock": "Comprehensive energy consumption excluding feedstock, substitution basis (等价值)",
    "co2_scope1": "CO2 emissions, scope 1 (direct combustion)",
    "co2_scope2": "CO2 emissions, scope 2 (purchased electricity and heat)",
    "co2_t": "CO2 emissions, total",
}


def _chinese(text: str) -> str:
    """The Chinese characters of a text, less the cited terms the English statement keeps (当量值, 等价值)."""
    import re

    return "".join(re.findall(r"[\u3400-\u9fff]", text.replace("当量值", "").replace("等价值", "")))


def test_english_statement(tmp_path: Path, records: pd.DataFrame, factors: FactorSet) -> None:
    path = tmp_path / "statement.xlsx"
    with tanfeng.cells.language("en"):  # the language the user chose, as --lang en sets it
        st = tanfeng.write_statement(records, path, region=REGION, year=YEAR, factors=factors)
    assert st.lang == "en" and tanfeng.cells.get_language() == "zh"
    wb = load_workbook(path)
    assert wb.sheetnames == ["甲", "乙", "丙", "Basis"]  # entity names are the user's own
    ws = wb["甲"]
    assert ws["A1"].value == "Calculation statement of energy use and CO2 emissions: 甲"
    headings = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert [h.split(":")[0] for h in headings] == [
        "1. Energy use as recorded (raw data)", "2. Coal equivalent, calorific basis (当量值)",
        "3. Coal equivalent, substitution basis (等价值)", "4. CO2 emissions", "5. Totals"]
    heads = [c.value for c in ws[6] if c.value]  # the header of part 1: no Chinese left
    assert heads == ["No.", "energy carrier (as written)", "energy carrier", "category", "direction", "quantity", "unit",
                     "problem"]
    for ws in wb.worksheets:  # every heading, header row and total label is English (row 1 names the entity)
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str) and c.font.bold:
                    assert not _chinese(c.value), (ws.title, c.coordinate, c.value)
    assert wb["Basis"]["A1"].value == "Basis of calculation"
    # the numbers are the same as in Chinese, worked by hand (test_totals_worked_by_hand)
    values = recalc(path)
    cells = total_cells(path, "5. Totals")["甲"]
    assert set(LABELS_EN.values()) <= set(cells) and len(cells) == 11  # 2 × (total, feedstock, output, excl.) + 3
    for cell in cells.values():  # how each total is made, in words
        how = wb["甲"][cell.replace("B", "D", 1)].value
        assert how and not _chinese(how), how

    def total(key: str) -> float:
        return float(values[("甲", cells[LABELS_EN[key]])])  # type: ignore[arg-type]

    # 当量值: 原煤 1000 t × 0.7143 + 原料 200 t × 0.7143 + 电力 100 万kWh × 1.229 − 外供 10 万kWh × 1.229 + 柴油 20 t × 1.4571
    assert total("tce_calorific") == pytest.approx(714.3 + 142.86 + 122.9 - 12.29 + 29.142, rel=1e-12)
    assert total("tce_calorific_excl_feedstock") == pytest.approx(714.3 + 122.9 - 12.29 + 29.142, rel=1e-12)
    assert total("tce_substitution") == pytest.approx(714.3 + 142.86 + 300.0 - 30.0 + 29.142, rel=1e-12)
    assert total("co2_scope2") == pytest.approx(900 * 0.5153, rel=1e-12)  # (100 − 10) 万kWh = 900 MWh × 0.5153
    ws = wb["甲"]
    total_cell = ws[cells[LABELS_EN["tce_calorific"]]]
    assert total_cell.number_format == "#,##0.00" and total_cell.value.startswith("=SUM(")
    # the category the SUMIF of 原料用能 looks for is the one the rows carry, in English
    sumif = ws.cell(total_cell.row + 1, 2).value
    assert '"feedstock"' in sumif and any(c.value == "feedstock" for c in ws["C"])


def test_english_statement_in_words(tmp_path: Path, records: pd.DataFrame, factors: FactorSet) -> None:
    md = tmp_path / "甲.md"
    tanfeng.write_statement(records, md, only="甲", region=REGION, year=YEAR, factors=factors, lang="en")
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Calculation statement of energy use and CO2 emissions\n")
    assert ("| 1 | raw coal | fuel and power | 1000 吨 × 1000 kg/吨 × 0.7143 kgce/kg × 0.001 tce/kgce = 714.3000 tce "
            "| 714.3000 | tce coefficient, calorific basis (当量值): GB/T 2589-2008 表A.1 |") in text
    assert "| 2 | raw coal | feedstock | feedstock: not burnt as fuel, no combustion emissions | 0.0000 |  |" in text
    assert "## Basis" in text and "### Rules applied" in text and "grid region Zhejiang" in text
    # 996.91 = 714.3 + 142.86 + 122.9 − 12.29 + 29.142 (当量值), written to 2 decimals
    assert "| Comprehensive energy consumption, calorific basis (当量值) | sum of the 5 rows of table 2" in text
    assert "| 996.91 | tce |" in text
    page = tmp_path / "甲.html"
    tanfeng.write_statement(records, page, only="甲", region=REGION, year=YEAR, factors=factors, lang="en")
    assert "<html lang='en'>" in page.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="zh or en"):
        tanfeng.write_statement(records, md, lang="fr")


def test_cli_statement_in_english(tmp_path: Path, records: pd.DataFrame) -> None:
    from tanfeng.cli import main

    src = tmp_path / "ledger.csv"
    records.to_csv(src, index=False)
    out = tmp_path / "statement.xlsx"
    assert main(["--lang", "en", "statement", str(src), "--only", "乙", "--year", "2022", "--out", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["乙", "Basis"]
    assert wb["乙"]["A5"].value == "1. Energy use as recorded (raw data)"


def test_english_sheet_per_entity_and_year(tmp_path: Path) -> None:
    df = pd.DataFrame({"enterprise": ["甲", "甲"], "year": [2021, 2022], "carrier": ["电力", "电力"],
                       "quantity": [1, 2], "unit": ["万kWh", "万kWh"]})
    st = tanfeng.write_statement(df, tmp_path / "y.xlsx", region=REGION, lang="en")
    assert [e.title for e in st.entities] == ["甲 2021", "甲 2022"]  # no 年 in English
    assert load_workbook(tmp_path / "y.xlsx").sheetnames == ["甲 2021", "甲 2022", "Basis"]
    assert [round(e.totals["tce_calorific"], 6) for e in st.entities] == [1.229, 2.458]  # 万kWh × 1.229


def test_every_statement_text_is_written_in_both_languages() -> None:
    from tanfeng.cells import MESSAGES

    texts = {c: m for c, m in MESSAGES.items() if c.startswith("statement_")}
    assert len(texts) > 100
    assert [c for c, m in texts.items() if not m.zh.strip() or not m.en.strip()] == []
    # English is English: the same as the Chinese only where both are a cited document or a ratio
    same = {c for c, m in texts.items() if m.zh == m.en}
    assert same == {"statement_rule_2_source", "statement_rule_4_source", "statement_rule_7_source", "statement_role_c"}


def test_cli_statement_keeps_a_bad_row_with_errors_report(tmp_path: Path, records: pd.DataFrame,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from tanfeng.cli import main

    src = tmp_path / "ledger.csv"
    records.assign(消费量=["1000", "200", "100", "10", "abc", "1,000", "500", "100", "10"]).to_csv(src, index=False)
    out = tmp_path / "statement.xlsx"
    args = ["--lang", "en", "statement", str(src), "--only", "甲", "--year", "2022", "--out", str(out)]
    assert main(args) == 1 and "--errors report" in capsys.readouterr().err  # reading stops at 'abc'
    assert main([*args, "--errors", "report"]) == 0
    ws = load_workbook(out)["甲"]
    problems = [c.value for c in ws["I"] if isinstance(c.value, str) and "abc" in c.value]
    assert problems and problems[0].startswith("quantity_not_numeric: 消费量 = 'abc'")  # the diesel row, as read
    values = recalc(out)
    cells = total_cells(out, "5. Totals")["甲"]
    # the diesel row is shown and left out: 1000 t × 0.7143 + 200 t × 0.7143 + 100 万kWh × 1.229 − 10 万kWh × 1.229
    got = float(values[("甲", cells[LABELS_EN["tce_calorific"]])])  # type: ignore[arg-type]
    assert got == pytest.approx(714.3 + 142.86 + 122.9 - 12.29, rel=1e-12)
    assert "甲: 5 rows, 967.77 tce" in capsys.readouterr().out

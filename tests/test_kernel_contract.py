"""The input kernel's contract: one shared corpus of cells through every entry point gives the
same reading or the same reason code; a bad-input corpus of every kind with its reason code;
properties of account() and summarize() on generated tables (hypothesis)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tanfeng
from tanfeng.accounting import summarize
from tanfeng.cells import read_quantities, read_quantity
from tanfeng.errors import InputError, TanfengError, UnitError
from tanfeng.io import parse_numbers
from tanfeng.per_mu import evaluate
from tanfeng.screening import screen_low_efficiency, screen_two_high
from tanfeng.swap import Ledger, check
from tanfeng.targets.actions import read_town_targets

# --- the shared corpus: (cell, value it reads as, or the reason code it gets) -----------------
READS = [
    (1200, 1200.0), ("1,200", 1200.0), ("1 200", 1200.0), ("１２００", 1200.0), ("12万", 120_000.0),
    ("1.5亿", 150_000_000.0), ("3.5e4", 35_000.0), ("12,345.5", 12_345.5), ("0.5万", 5000.0), (" 80 ", 80.0),
]
REFUSES = [
    ("1,5", "quantity_not_numeric"), ("1.200,50", "quantity_not_numeric"), ("1,2,3", "quantity_not_numeric"),
    ("1_000", "quantity_not_numeric"), (True, "quantity_not_numeric"), (1 + 2j, "quantity_not_numeric"),
    ("abc", "quantity_not_numeric"), ("12吨", "quantity_with_unit"), (dt.date(2022, 1, 12), "quantity_is_date"),
    ("1e400", "quantity_overflow"), (float("inf"), "quantity_infinite"), ("(30)", "quantity_negative"),
    ("-5", "quantity_negative"),
]


def _reason_of(exc: InputError) -> str:
    return str(exc.failures["reason"].iloc[0])


# Each entry point: cell -> (value it read, '') or (nan, reason code). Negative cells are
# refused where the entry point refuses negatives (all those here do).
def via_reader(cell: Any) -> tuple[float, str]:
    v, r = read_quantities(pd.Series([cell], dtype=object))
    return float(v[0]), str(r[0])


def via_read_quantity(cell: Any) -> tuple[float, str]:
    try:
        return read_quantity(cell), ""
    except InputError as exc:
        return math.nan, _reason_of(exc)


def via_parse_numbers(cell: Any) -> tuple[float, str]:
    v, r = parse_numbers([cell])
    if r[0] == "" and v[0] < 0:
        return math.nan, "quantity_negative"
    return float(v[0]), str(r[0])


def via_account(cell: Any) -> tuple[float, str]:
    r = tanfeng.account(pd.DataFrame({"carrier": ["原煤"], "quantity": pd.Series([cell], dtype=object),
                                      "unit": ["t"]}), errors="report", co2=False)
    p = r["problem"].iloc[0]
    return (r["tce"].iloc[0] / 0.7143, "") if not p else (math.nan, p.split(":")[0])  # 原煤 0.7143 tce/t


def via_to_tce(cell: Any) -> tuple[float, str]:
    try:
        return tanfeng.to_tce(cell, "t", "原煤").m / 0.7143, ""
    except InputError as exc:
        return math.nan, _reason_of(exc)


def via_two_high(cell: Any) -> tuple[float, str]:
    df = pd.DataFrame({"industry_code": ["2614"], "built_year": [2019], "energy_tce": pd.Series([cell], dtype=object)})
    try:
        return float(screen_two_high(df)["screened_tce"].iloc[0]), ""
    except InputError as exc:
        return math.nan, _reason_of(exc)


def via_low_efficiency(cell: Any) -> tuple[float, str]:
    df = pd.DataFrame({"energy_tce": pd.Series([cell], dtype=object), "co2_t": [100], "tax": [10], "land_area": [10]})
    try:
        r = screen_low_efficiency(df)
    except InputError as exc:
        return math.nan, _reason_of(exc)
    # the energy as read, from the reason sentence (年综合能耗1 200.0吨标准煤 …)
    m = re.search(r"年综合能耗([0-9 ]+\.[0-9])", str(r["reason"].iloc[0]))
    return (float(m.group(1).replace(" ", "")) if m else math.nan), ""


def via_town_targets(cell: Any) -> tuple[float, str]:
    try:
        return float(read_town_targets(pd.DataFrame({"镇乡（街道）": ["店口镇"],
                                                     "腾出用能": pd.Series([cell], dtype=object)})).iloc[0, 0]), ""
    except InputError as exc:
        return math.nan, _reason_of(exc)


_PROJECT = {"id": "P", "sector": "钢铁", "product": "粗钢", "new_capacity": 1, "capacity_unit": "万吨/年",
            "province": "浙江", "city": "绍兴", "county": "诸暨"}


def _checked(cell: Any) -> Any:
    """swap.check of one retired source whose capacity is the cell."""
    src = pd.DataFrame({"source_id": ["S1"], "product": ["粗钢"], "capacity": pd.Series([cell], dtype=object),
                        "capacity_unit": ["万吨/年"], "closed_on": ["2023-01-31"]})
    return check(_PROJECT, src, on="2023-05-01")


def via_swap_sources(cell: Any) -> tuple[float, str]:
    try:
        r = _checked(cell)
    except InputError as exc:
        return math.nan, _reason_of(exc)
    return float(r.allocations["source_capacity"].iloc[0]) if len(r.allocations) else math.nan, ""


def via_per_mu(cell: Any) -> tuple[float, str]:
    # a 规下 firm with the cell as its 用地面积 (亩): 亩均税收 = 46.4 万元 / land, so land = 46.4 / 亩均税收
    firm = pd.DataFrame({"实缴税金": [46.4], "用地面积": pd.Series([cell], dtype=object), "用电量": [197.3],
                         "主营业务收入": [800.0]})
    try:
        r = evaluate(firm)
    except InputError as exc:
        return math.nan, _reason_of(exc)
    return 46.4 / float(r["tax_per_mu"].iloc[0]), ""


def via_ledger_allocate(cell: Any) -> tuple[float, str]:
    led = Ledger()
    try:
        led.allocate("P", "S1", capacity=cell, capacity_unit="万吨/年", source_capacity=1e12, on="2023-05-01")
    except InputError as exc:
        return math.nan, _reason_of(exc)
    return float(led.allocations["capacity"].iloc[0]), ""


def via_ledger_record(cell: Any) -> tuple[float, str]:
    try:
        r = _checked(cell)
    except InputError as exc:
        return math.nan, _reason_of(exc)
    led = Ledger()
    led.record(r, force=True)
    return float(led.allocations["source_capacity"].iloc[0]), ""


_LEDGER_TEXT = dt.date | float  # a CSV cell is text: a date cell or float inf cannot be told from text


def via_ledger_load(cell: Any) -> tuple[float, str]:
    if isinstance(cell, _LEDGER_TEXT) and not (isinstance(cell, float) and math.isfinite(cell)):
        pytest.skip("a ledger file holds text: a date or inf cell is the text '2022-01-12' / 'inf' there")
    import tempfile
    from pathlib import Path

    row = {"project_id": "P", "source_id": "S1", "product": "粗钢", "capacity": str(cell), "capacity_unit": "万吨/年",
           "energy_tce": "0", "source_capacity": "1e12", "source_energy_tce": "0", "allocated_on": "2023-05-01",
           "released_on": "", "note": ""}
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "ledger.csv"
        pd.DataFrame([row]).to_csv(p, index=False)
        try:
            led = Ledger.load(p)
        except InputError as exc:
            return math.nan, _reason_of(exc)
    return float(led.allocations["capacity"].iloc[0]), ""


ENTRY_POINTS: dict[str, Callable[[Any], tuple[float, str]]] = {
    "read_quantities": via_reader, "read_quantity": via_read_quantity, "io.parse_numbers": via_parse_numbers,
    "account": via_account, "to_tce": via_to_tce, "screen_two_high": via_two_high,
    "screen_low_efficiency": via_low_efficiency, "targets.read_town_targets": via_town_targets,
    "swap.check": via_swap_sources, "per_mu.evaluate": via_per_mu, "swap.Ledger.allocate": via_ledger_allocate,
    "swap.Ledger.record": via_ledger_record, "swap.Ledger.load": via_ledger_load,
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("cell, value", READS)
def test_every_entry_point_reads_a_cell_the_same(entry: str, cell: Any, value: float) -> None:
    got, reason = ENTRY_POINTS[entry](cell)
    assert reason == "" and got == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("cell, reason", REFUSES)
def test_every_entry_point_refuses_a_cell_with_the_same_reason(entry: str, cell: Any, reason: str) -> None:
    if entry == "to_tce" and reason == "quantity_overflow":
        pytest.skip("to_tce reads 1e400 in the cell reader too: covered by read_quantity")
    got, why = ENTRY_POINTS[entry](cell)
    assert why == reason and math.isnan(got)


# --- the bad-input corpus: kinds beyond the number cell, each with its reason code ------------
def _acc(**cols: Any) -> pd.DataFrame:
    base: dict[str, Any] = {"carrier": ["原煤"], "quantity": [100], "unit": ["t"]}
    base.update({k: [v] for k, v in cols.items()})
    return pd.DataFrame(base)


ACCOUNT_KINDS = [
    (_acc(carrier="原煤煤"), "carrier_unknown"), (_acc(carrier=None), "carrier_missing"),
    (_acc(carrier="  "), "carrier_missing"), (_acc(unit=None), "unit_missing"), (_acc(unit=""), "unit_missing"),
    (_acc(unit="吨吨"), "unit_unknown"), (_acc(unit="万kWh"), "unit_dimension"), (_acc(unit="万元"), "unit_money"),
    (_acc(unit="9**9**9 t"), "unit_unparsable"), (_acc(unit="t" * 200), "unit_unparsable"),
    (_acc(year="20x2"), "year_invalid"), (_acc(year=1850), "year_out_of_range"), (_acc(year=2022.5), "year_invalid"),
    (_acc(region="火星"), "region_unknown"), (_acc(use="饮用"), "use_unknown"), (_acc(flow="横向"), "flow_unknown"),
    (_acc(carrier="电力", unit="万kWh", use="原料"), "feedstock_not_fuel"),
    (_acc(use="原料", flow="外供"), "output_feedstock"), (_acc(ncv="abc"), "ncv_unparsable"),
    (_acc(ncv="22"), "ncv_unit_missing"), (_acc(ncv="22 GJ/m3"), "ncv_dimension"),
    (_acc(ncv="-22 GJ/t"), "ncv_not_positive"), (_acc(ncv="22 kJ/t"), "ncv_implausible"),
    (_acc(carrier="电力", unit="万kWh", ncv="22 GJ/t"), "ncv_not_fuel"),
    (_acc(ncv="9**9**9 GJ/t"), "ncv_unparsable"),
    (pd.DataFrame({"carrier": ["天然气"], "quantity": [1e308], "unit": ["万m3"]}), "quantity_overflow"),
]
HEADER_KINDS = [
    (pd.DataFrame({"carrier": ["原煤"], "quantity": [1], "消费量": [1], "unit": ["t"]}), "column_duplicate"),
    (pd.DataFrame({"carrier": ["原煤"], "消费量": [1], "实物量": [1], "unit": ["t"]}), "column_duplicate"),
    (pd.DataFrame({"carrier": ["原煤"], "quantity": [1], "unit": ["t"], "tce": [1.0]}), "column_reserved"),
    (pd.DataFrame({"carrier": ["原煤"], "quantity": [1], "unit": ["t"], "co2_t": [1.0]}), "column_reserved"),
    (pd.DataFrame({"carrier": ["原煤"], "unit": ["t"]}), "column_missing"),
    (pd.DataFrame({"quantity": [1], "unit": ["t"]}), "column_missing"),
]
QUANTITY_CELLS = [c for c, _ in REFUSES] + [None, "", "—", "/", "无", float("nan")]
QUANTITY_CODES = [r for _, r in REFUSES] + ["quantity_missing"] * 6
SCALAR_KINDS: list[tuple[dict[str, Any], str]] = [
    ({"factor": "-0.3 kgce/kWh"}, "factor_not_positive"), ({"factor": 0}, "factor_not_positive"),
    ({"factor": True}, "factor_not_positive"), ({"ncv": "abc"}, "ncv_unparsable"), ({"ncv": "22"}, "ncv_unit_missing"),
    ({"ncv": "0 GJ/t"}, "ncv_not_positive"), ({"ncv": "22 GJ/m3"}, "ncv_dimension"),
    ({"ncv": "2200 GJ/t"}, "ncv_implausible"), ({"ncv": True}, "ncv_unparsable"),
]

KINDS: list[tuple[str, Any, str]] = (
    [(f"account/quantity/{c!r}", _acc(quantity=c), r) for c, r in zip(QUANTITY_CELLS, QUANTITY_CODES)]
    + [(f"account/{i}", df, r) for i, (df, r) in enumerate(ACCOUNT_KINDS + HEADER_KINDS)]
    + [(f"to_tce/quantity/{c!r}", c, r) for c, r in zip(QUANTITY_CELLS, QUANTITY_CODES)]
    + [(f"to_tce/{kw}", kw, r) for kw, r in SCALAR_KINDS]
    + [(f"{e}/{c!r}", (e, c), r) for e in ENTRY_POINTS if e not in ("account", "to_tce") for c, r in REFUSES]
)


def test_the_corpus_has_at_least_150_kinds() -> None:
    assert len(KINDS) >= 150
    assert len({k for k, _, _ in KINDS}) == len(KINDS)


@pytest.mark.parametrize("name, case, reason", KINDS, ids=[k for k, _, _ in KINDS])
def test_bad_input_gets_its_reason_code(name: str, case: Any, reason: str) -> None:
    kind = name.split("/")[0]
    if kind == "account":
        try:
            r = tanfeng.account(case, errors="report")
        except InputError as exc:
            assert reason in set(exc.failures["reason"])
            return
        assert reason in r["problem"].iloc[0], r["problem"].iloc[0]
        assert np.isnan(r["tce"].iloc[0])
    elif kind == "to_tce" and name.startswith("to_tce/quantity"):
        with pytest.raises(InputError) as exc:
            tanfeng.to_tce(case, "t", "原煤")
        assert _reason_of(exc.value) == reason
    elif kind == "to_tce":
        args = (100, "万kWh", "电力") if "factor" in case else (1000, "t", "原煤")
        with pytest.raises(InputError) as exc:
            tanfeng.to_tce(*args, **case)
        assert _reason_of(exc.value) == reason
    else:
        entry, cell = case
        if entry == "to_tce" and reason == "quantity_overflow":
            return
        assert ENTRY_POINTS[entry](cell)[1] == reason


def test_unit_errors_are_tanfeng_errors_never_pint_errors() -> None:
    for bad in ("1 万千瓦吋", "9**9**9 t", "t" * 1000, "kg**"):
        with pytest.raises(UnitError):
            tanfeng.ureg(bad)
    with pytest.raises(TanfengError):
        tanfeng.to_co2(1, "吨吨", "原煤")


# --- properties -------------------------------------------------------------------------------
CELLS = st.sampled_from([c for c, _ in READS] + QUANTITY_CELLS + [0, 7.5, "0"])
CARRIERS = st.sampled_from(["原煤", "柴油", "天然气", "电力", "煤炭煤", None, ""])
UNITS = st.sampled_from(["t", "吨", "万m3", "万kWh", "kWh", "吨吨", None])


@st.composite
def records(draw: Any) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    labels = draw(st.lists(st.sampled_from(["a", "b", 1, 2]), min_size=n, max_size=n))  # duplicate labels
    return pd.DataFrame({"town": draw(st.lists(st.sampled_from(["陶朱", "店口", None, ""]), min_size=n, max_size=n)),
                         "carrier": draw(st.lists(CARRIERS, min_size=n, max_size=n)),
                         "quantity": pd.Series(draw(st.lists(CELLS, min_size=n, max_size=n)), dtype=object),
                         "unit": draw(st.lists(UNITS, min_size=n, max_size=n))}, index=pd.Index(labels, dtype=object))


@settings(max_examples=60)
@given(records())
def test_rows_in_are_rows_out_with_every_problem_flagged(df: pd.DataFrame) -> None:
    r = tanfeng.account(df, errors="report")
    assert len(r) == len(df) and r.index.equals(df.index)
    assert r["quantity"].tolist() == df["quantity"].tolist() or len(df) == 0
    tce = r["tce"].to_numpy(dtype=float)
    assert not np.isinf(tce).any() and not np.isinf(r["co2_t"].to_numpy(dtype=float)).any()
    assert ((r["problem"] != "") == np.isnan(tce)).all()  # NaN exactly where a problem is said


@settings(max_examples=60)
@given(records())
def test_summarize_totals_are_the_sum_of_valid_rows(df: pd.DataFrame) -> None:
    r = tanfeng.account(df, errors="report")
    total = summarize(r)
    by_town = summarize(r, by="town")
    valid = r["tce"].dropna().sum()
    assert total["tce"].iloc[0] == pytest.approx(valid)
    assert by_town["tce"].sum() == pytest.approx(valid)
    assert by_town["rows"].sum() == len(df)


# --- one registry: the messages of every module follow the user's language -------------------
def test_per_mu_industry_and_credit_code_messages_follow_the_language() -> None:
    from tanfeng import credit_code, industries
    from tanfeng.cells import get_language, set_language
    from tanfeng.per_mu import evaluate

    firms = pd.DataFrame({"实缴税金": [46.4, 46.4], "用地面积": [4.0, 0.0], "用电量": [197.3, 197.3],
                          "主营业务收入": [800.0, 800.0],
                          "统一社会信用代码": ["91330100799655058B", "91330100799655058C"]}, index=["甲", "乙"])
    before = get_language()
    try:
        for lang, land_zero, check_digit, unknown in (
                ("zh", "用地面积为0，无法作分母", "第18位校验码与前17位不符", "不是 GB/T 4754-2017 中的代码"),
                ("en", "land area (用地面积) is zero: cannot divide by it",
                 "the 18th (check) character does not match the first 17", "not a code of GB/T 4754-2017")):
            set_language(lang)
            with pytest.raises(InputError) as exc:
                evaluate(firms)
            f = exc.value.failures.set_index("reason")
            assert f.loc["land_area_zero", "message"].startswith(land_zero)
            assert f.loc["credit_code_check_digit", "message"] == check_digit
            # the suggestion names the check character GB 32100-2015 gives for the first 17 ('B')
            assert f.loc["credit_code_check_digit", "suggestion"].endswith("'B'")
            assert list(f.loc["land_area_zero", ["row", "column"]]) == ["乙", "用地面积"]
            codes = credit_code.failures(pd.Series(["91330100799655058B", "91330100799655058B"], index=["a", "b"]))
            assert codes["reason"].tolist() == ["credit_code_duplicate"] * 2
            assert codes["suggestion"].iloc[1].endswith("'a'")  # both rows point at the first
            assert industries.parse("2699").message == f"{unknown}: 2699"
    finally:
        set_language(before)
    assert industries.REASONS is credit_code.REASONS  # one registry behind every module's name


# --- one header vocabulary: a table's own words (名称, 类型, 序号) only in that table ------------
def test_scoped_header_words_apply_to_their_table_and_not_to_read_table(tmp_path: Any) -> None:
    from tanfeng.cells import find_columns, header_scopes
    from tanfeng.io import read_table
    from tanfeng.targets.actions import read_town_targets

    assert header_scopes() == ["actions", "per_mu", "swap_sources"]
    table = pd.DataFrame(columns=["序号", "名称", "类型", "单位", "完成日期"])
    # the actions table reads a bare 名称 / 类型; swap sources a bare 序号 / 单位
    assert find_columns(table, ["enterprise", "action", "date"], scope="actions") == {
        "enterprise": "名称", "action": "类型", "date": "完成日期"}
    assert find_columns(table, ["source_id", "capacity_unit"], scope="swap_sources") == {
        "source_id": "序号", "capacity_unit": "单位"}
    # without the scope those words mean nothing ('单位' is the records' unit column)
    assert find_columns(table, ["enterprise", "action", "source_id"]) == {}
    p = tmp_path / "t.csv"
    p.write_text("序号,名称,类型,实缴税金\n1,甲,规上,10\n", encoding="utf-8")
    t = read_table(p)
    assert ["序号", "名称", "类型", "tax"] == list(t.columns)  # read_table leaves them alone
    # town targets: 淘汰 / 整治 columns from headers.csv (scope actions)
    got = read_town_targets(pd.DataFrame({"镇乡": ["店口镇"], "淘汰": ["3"], "整治": [2]}))
    assert got.loc["店口镇", ["phase_out", "upgrade"]].tolist() == [3.0, 2.0]
    with pytest.raises(ValueError, match="scopes"):
        find_columns(table, ["enterprise"], scope="nonesuch")


@pytest.mark.parametrize("on", ["2023-13-45", "next week", object()])
def test_a_ledger_date_that_is_not_a_date_is_an_input_error_naming_it(on: Any) -> None:
    led = Ledger()
    with pytest.raises(InputError) as exc:
        led.allocate("P", "S1", capacity=1, capacity_unit="万吨/年", source_capacity=10, on=on)
    assert exc.value.failures[["column", "reason"]].values.tolist() == [["on", "date_invalid"]]
    assert len(led) == 0  # nothing half-recorded


def test_ledger_allocate_names_every_bad_quantity_at_once() -> None:
    with pytest.raises(InputError) as exc:
        Ledger().allocate("P", "S1", capacity="1,5", capacity_unit="万吨/年", source_capacity="(30)",
                          energy_tce="12吨", on="2023-05-01")
    f = exc.value.failures
    assert f[["column", "reason"]].values.tolist() == [
        ["capacity", "quantity_not_numeric"], ["energy_tce", "quantity_with_unit"],
        ["source_capacity", "quantity_negative"]]


def test_per_mu_reads_its_headers_from_headers_csv_and_refuses_two_columns_for_one_field() -> None:
    # 纳税人名称 (税务 exports) and 年综合能耗 are headers.csv words per_mu did not know before
    firm = {"纳税人名称": ["甲"], "实缴税金": [46.4], "用地面积": [4.0], "用电量": [197.3], "主营业务收入": [800.0]}
    r = evaluate(pd.DataFrame(firm))
    # 规下: 亩均税收 46.4 / 4 = 11.6 万元/亩
    assert r["tax_per_mu"].tolist() == [pytest.approx(11.6)]
    assert r.attrs["tanfeng"]["columns"]["name"] == "纳税人名称"
    two = pd.DataFrame({**firm, "实缴税金(元)": [464_000.0]})
    with pytest.raises(InputError) as exc:
        evaluate(two)
    f = exc.value.failures
    assert f[["row", "column", "reason"]].values.tolist() == [["<table>", "tax", "column_duplicate"]]
    assert f["value"].iloc[0] == ["实缴税金", "实缴税金(元)"]
    # columns= chooses one: 464 000 元 = 46.4 万元, the same 11.6 万元/亩
    chosen = evaluate(two, columns={"tax": "实缴税金(元)"}, units={"tax": "元"})
    assert chosen["tax_per_mu"].tolist() == [pytest.approx(11.6)]


def test_every_reason_code_the_source_gives_is_in_the_registry() -> None:
    """Every literal reason passed to a kernel collector (Failures.add / add_at / add_table) in
    src/, and every per-field code of 亩均 scoring, is a code of the one registry."""
    import ast
    from pathlib import Path

    from tanfeng.cells import REASONS
    from tanfeng.per_mu import FIELD_UNITS

    where = {"add": 3, "add_at": 3, "add_table": 1}  # position of the reason argument
    given: dict[str, str] = {}
    for path in (Path(tanfeng.__file__).parent).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in where):
                continue
            args = [*node.args[where[node.func.attr]:where[node.func.attr] + 1],
                    *(k.value for k in node.keywords if k.arg == "reason")]
            for a in args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    given[a.value] = f"{path.name}:{node.lineno}"
    assert len(given) >= 40
    assert not {c: w for c, w in given.items() if c not in REASONS}
    per_field = [f"{f}_{k}" for f in FIELD_UNITS for k in ("missing", "zero")]
    assert [c for c in per_field if c not in REASONS] == []

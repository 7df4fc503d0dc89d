"""account() as stages: the resolved key table (explain), and partitions applied with keys resolved once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tanfeng
from tanfeng.accounting import stages
from tanfeng.cells import Failures

RECORDS = pd.DataFrame({
    "enterprise": ["甲", "甲", "乙", "乙", "丙"],
    "carrier": ["原煤", "电力", "原煤", "电力", "天然气"],
    "quantity": [1000.0, 100.0, 500.0, 50.0, 2.0],
    "unit": ["t", "万kWh", "t", "万kWh", "万m3"],
})


def test_explain_counts_rows_per_key_and_names_the_factors() -> None:
    e = tanfeng.explain(RECORDS, region="浙江", year=2022)
    assert e["rows"].tolist() == [2, 2, 1]
    assert e["carrier"].tolist() == ["raw_coal", "electricity", "natural_gas"]
    # 1 万kWh = 10 000 kWh × 0.1229 kgce/kWh = 1229 kgce = 1.229 tce (GB/T 2589 当量值)
    assert e.loc[1, "tce_per_unit"] == pytest.approx(1.229)
    # 浙江 2022 grid 0.5153 tCO2/MWh × 10 MWh per 万kWh = 5.153 tCO2
    assert e.loc[1, "co2_per_unit"] == pytest.approx(5.153)
    assert (e["reason"] == "").all()


def test_the_result_carries_the_same_key_table() -> None:
    r = tanfeng.account(RECORDS, region="浙江", year=2022)
    keys = r.attrs["tanfeng"]["keys"]
    e = tanfeng.explain(RECORDS, region="浙江", year=2022)
    assert [k["rows"] for k in keys] == e["rows"].tolist()
    assert [k["tce_factor"] for k in keys] == e["tce_factor"].tolist()


def test_both_bases_give_one_tce_column_per_basis() -> None:
    e = tanfeng.explain(RECORDS, basis="both", year=2022, substitution_factor="0.28 kgce/kWh")
    # 等价值: 0.28 kgce/kWh × 10 000 kWh = 2 800 kgce = 2.8 tce per 万kWh
    assert e.loc[1, "tce_per_unit_substitution"] == pytest.approx(2.8)
    assert e.loc[1, "tce_per_unit_calorific"] == pytest.approx(1.229)


def test_a_bad_key_is_explained_not_dropped() -> None:
    bad = pd.concat([RECORDS, pd.DataFrame({"carrier": ["天然气"], "quantity": [1.0], "unit": ["kg"]})],
                    ignore_index=True)
    e = tanfeng.explain(bad)
    row = e[e["unit"] == "kg"].iloc[0]
    assert row["reason"] == "unit_dimension" and row["rows"] == 1


def test_partitions_applied_with_keys_resolved_once_match_account() -> None:
    fs = tanfeng.FactorSet.default()
    whole = tanfeng.account(RECORDS, region="浙江", year=2022)
    # the client: distinct keys of the whole table, resolved once
    cols = stages.find_record_columns(RECORDS)
    cells = stages.read_cells(RECORDS, cols, fs, Failures(RECORDS.index), region="浙江", year=2022)
    resolved = stages.resolve_keys(stages.encode_keys(cells).keys, fs, co2=True)
    parts = []
    for part in (RECORDS.iloc[3:], RECORDS.iloc[:3]):  # keys in another order than the client's
        fails = Failures(part.index)
        pc = stages.read_cells(part, cols, fs, fails, region="浙江", year=2022)
        codes = stages.encode_keys(pc)
        done = stages.apply_keys(resolved, codes, pc, part, cols, fs, fails, same_keys=False)
        parts.append(stages.assemble(part, pc, done, resolved, basis="calorific", co2=True,
                                     bad_row=pc.bad_row | fails.bad))
    joined = pd.concat(parts).sort_index()
    np.testing.assert_allclose(joined["tce"], whole["tce"])
    np.testing.assert_allclose(joined["co2_t"], whole["co2_t"])
    assert joined["tce_factor"].astype(str).tolist() == whole["tce_factor"].astype(str).tolist()


def test_a_key_missing_from_the_resolved_table_is_an_error() -> None:
    fs = tanfeng.FactorSet.default()
    cols = stages.find_record_columns(RECORDS)
    cells = stages.read_cells(RECORDS, cols, fs, Failures(RECORDS.index))
    codes = stages.encode_keys(cells)
    resolved = stages.resolve_keys(codes.keys.iloc[:1], fs)
    with pytest.raises(ValueError, match="resolve them first"):
        stages.match_keys(resolved, codes.keys)


def test_two_spellings_of_one_carrier_match_one_resolved_row() -> None:
    # 电力 and 外购电力 are one carrier: the whole table's key table holds two equal keys, and a
    # partition's key must match one of them, not both (each row keeps its own quantity)
    df = pd.DataFrame({"carrier": ["电力", "外购电力", "原煤", "外购电力"], "quantity": [10.0, 20.0, 1000.0, 30.0],
                       "unit": ["万kWh"] * 2 + ["t", "万kWh"]})
    fs = tanfeng.FactorSet.default()
    cols = stages.find_record_columns(df)
    cells = stages.read_cells(df, cols, fs, Failures(df.index))
    resolved = stages.resolve_keys(stages.encode_keys(cells).keys, fs, co2=False)
    part = df.iloc[1:]
    fails = Failures(part.index)
    pc = stages.read_cells(part, cols, fs, fails)
    done = stages.apply_keys(resolved, stages.encode_keys(pc), pc, part, cols, fs, fails, co2=False, same_keys=False)
    # GB/T 2589: 1 万kWh × 0.1229 kgce/kWh = 1.229 tce; 原煤 0.7143 kgce/kg → 0.7143 tce/t
    assert done.tce["calorific"].tolist() == pytest.approx([20 * 1.229, 1000 * 0.7143, 30 * 1.229])


def test_two_spellings_of_one_carrier_are_one_key_in_explain() -> None:
    # 电力 and 外购电力 are the same carrier: one 计算依据 row for 万千瓦时 with the rows of both
    # (1 + 1 = 2); 万kWh is the unit as written, so its own row (1)
    df = pd.DataFrame({"能源品种": ["电力", "外购电力", "电力"], "消费量": [100, 200, 300],
                       "计量单位": ["万千瓦时", "万千瓦时", "万kWh"], "年份": [2022, 2022, 2022]})
    e = tanfeng.explain(df, region="浙江")
    assert e[["carrier", "unit", "rows"]].values.tolist() == [["electricity", "万千瓦时", 2], ["electricity", "万kWh", 1]]
    keys = tanfeng.account(df, region="浙江").attrs["tanfeng"]["keys"]
    assert [k["rows"] for k in keys] == [2, 1]

"""Capacity and energy swap: rules as data, check, plan (MILP), ledger, chart.

Every expected value is worked out by hand from the rule (policy.md §3–§4) and the inputs; the
arithmetic is in the comment beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanfeng._resources import data_dir
from tanfeng.errors import InputError, RuleError
from tanfeng.swap import Ledger, LedgerError, Line, Project, RuleSet, check, plan
from tanfeng.swap.rules import CONFIDENCE_LEVEL
from tanfeng.swap.sources import capacity_factor, parse_capacity_unit

ON = "2023-05-01"
STEEL = {"id": "诸暨钢铁", "sector": "钢铁", "product": "粗钢", "new_capacity": 100,
         "capacity_unit": "万吨/年", "province": "浙江", "city": "绍兴", "county": "诸暨"}
CLINKER = {"id": "诸暨熟料", "sector": "水泥", "product": "水泥熟料", "new_capacity": 4000,
           "capacity_unit": "吨/日", "province": "浙江", "city": "绍兴", "county": "诸暨"}


def sources(caps: list[float], product: str = "粗钢", unit: str = "万吨/年", **cols: Any) -> pd.DataFrame:
    n = len(caps)
    base = {"source_id": [f"S{i + 1}" for i in range(n)], "product": [product] * n, "capacity": caps,
            "capacity_unit": [unit] * n, "closed_on": ["2023-01-31"] * n}
    base.update({k: (v if isinstance(v, list) else [v] * n) for k, v in cols.items()})
    return pd.DataFrame(base)


def codes(result: Any) -> set[str]:
    return {f.code for f in result.findings}


# ---------------------------------------------------------------------------------------------
# the hand-made cases of the issue


def test_steel_zhuji_140_is_short_by_10() -> None:
    r = check(STEEL, sources([80, 60]), on=ON)
    # 诸暨 is in the 重点区域 (国发〔2018〕22号: all of 浙江) -> 1.5:1 (工信部原〔2021〕46号)
    assert r.retire_per_new == 1.5
    assert r.required_capacity == pytest.approx(150.0)   # 100 × 1.5
    assert r.provided_capacity == pytest.approx(140.0)   # 80 + 60
    assert r.capacity_shortfall == pytest.approx(10.0)   # 150 − 140
    assert r.ok is False
    assert "capacity_shortfall" in codes(r)
    assert r.lines[0].region_type == "key_region"
    assert r.lines[0].rule_ids == ("steel-2021-key",)


def test_steel_zhuji_160_is_ok() -> None:
    r = check(STEEL, sources([100, 60]), on=ON)
    assert r.provided_capacity == pytest.approx(160.0)   # 100 + 60 >= 150
    assert r.capacity_shortfall == 0.0
    assert r.capacity_ratio == pytest.approx(1.6)        # 160 / 100
    assert r.ok is True


def test_steel_after_the_suspension_is_a_rule_error_not_a_pass() -> None:
    # 工信部办公厅 2024-08-20: no new steel plan may be 公示 from 2024-08-23
    with pytest.raises(RuleError, match="暂停"):
        check(STEEL, sources([100, 60]), on="2024-09-01")
    with pytest.raises(RuleError, match="暂停"):
        plan(STEEL, sources([100, 60]), on="2024-09-01")
    # the day before the suspension the rule still applies
    assert check(STEEL, sources([100, 60]), on="2024-08-22").ok


def test_cement_clinker_4000_needs_8000_in_a_key_region() -> None:
    # 2021 办法 (on 2023-05-01) and 2024年本 (on 2024-12-01): 重点区域 2:1 -> 4000 × 2 = 8000 t/d
    for on in (ON, "2024-12-01"):
        r = check(CLINKER, sources([5000, 3000], product="水泥熟料", unit="吨/日"), on=on)
        assert r.required_capacity == pytest.approx(8000.0)
        assert r.provided_capacity == pytest.approx(8000.0)  # 5000 + 3000, exactly enough
        assert r.ok
    short = check(CLINKER, sources([5000, 2999], product="水泥熟料", unit="吨/日"), on=ON)
    assert short.capacity_shortfall == pytest.approx(1.0)    # 8000 − 7999


def test_key_region_membership_is_dated() -> None:
    rs = RuleSet.default()
    # 国发〔2018〕22号: whole 浙江; 国发〔2023〕24号: only 杭州、宁波、嘉兴、湖州、绍兴、舟山
    assert rs.region_type("浙江", "温州", on=dt.date(2023, 5, 1))[0] == "key_region"
    assert rs.region_type("浙江", "温州", on=dt.date(2024, 12, 1))[0] == "other"
    assert rs.region_type("浙江", county="诸暨", on=dt.date(2024, 12, 1))[0] == "key_region"
    assert rs.region_type("浙江", "绍兴市", on=dt.date(2024, 12, 1))[0] == "key_region"
    with pytest.raises(RuleError):  # the 11 安徽 cities are not in the reference
        rs.region_type("安徽", "合肥", on=dt.date(2024, 12, 1))
    # 温州 clinker after 2023-12: other region, 1.5:1 -> 4000 × 1.5 = 6000
    r = check({**CLINKER, "city": "温州", "county": None}, sources([6000], product="水泥熟料", unit="吨/日"),
              on="2024-12-01")
    assert r.required_capacity == pytest.approx(6000.0) and r.ok


def test_energy_30000_with_25000_is_short_by_5000() -> None:
    proj = {**STEEL, "new_tce": 30000}
    src = sources([100, 60], energy_tce=[15000, 10000])
    r = check(proj, src, on=ON)
    assert r.required_tce == pytest.approx(30000.0)      # 30 000 × 1.0
    assert r.provided_tce == pytest.approx(25000.0)      # 15 000 + 10 000
    assert r.energy_shortfall_tce == pytest.approx(5000.0)
    assert r.energy_ratio == pytest.approx(25000 / 30000)
    assert not r.ok and "energy_shortfall" in codes(r)
    # a higher ratio is a parameter: 1.2 -> 36 000 needed, 11 000 short
    r12 = check(proj, src, on=ON, energy_ratio=1.2)
    assert r12.energy_shortfall_tce == pytest.approx(11000.0)


def test_energy_from_records_goes_through_account() -> None:
    # 1 000 t 原煤 × 0.7143 kgce/kg (GB/T 2589 表A.1) = 714.3 tce freed by S1
    records = pd.DataFrame({"source_id": ["S1"], "carrier": ["原煤"], "quantity": [1000], "unit": ["t"]})
    r = check({**STEEL, "new_tce": 700}, sources([100, 60]), on=ON, energy_records=records)
    assert r.provided_tce == pytest.approx(714.3)
    assert r.energy_shortfall_tce == 0.0
    assert "energy_missing" in codes(r)                  # S2 has no energy figure: counted 0, said so


# ---------------------------------------------------------------------------------------------
# source eligibility


def test_each_ineligible_source_is_named_and_not_counted() -> None:
    src = pd.DataFrame({
        "source_id": ["ok", "glass", "open", "subsidy", "nodate"],
        "product": ["粗钢", "平板玻璃", "粗钢", "粗钢", "粗钢"],
        "capacity": [100, 50, 50, 50, 50], "capacity_unit": "万吨/年",
        "closed_on": ["2023-01-01", "2023-01-01", "2023-06-30", "2023-01-01", None],
        "kinds": ["", "", "", "已享受奖补", ""],
    }, index=list("abcde"))
    r = check(STEEL, src, on=ON)
    by = {f.source_id: f.code for f in r.findings if f.severity == "error" and f.source_id}
    assert by == {"glass": "wrong_product", "open": "not_closed", "subsidy": "ineligible_kind",
                  "nodate": "closed_date_missing"}
    assert r.provided_capacity == pytest.approx(100.0)   # only "ok" counts
    assert r.capacity_shortfall == pytest.approx(50.0)   # 150 − 100
    # the output keeps the input rows, order and index
    assert list(r.sources.index) == list("abcde")
    assert r.sources["counted"].tolist() == [True, False, False, False, False]
    msg = next(f.message for f in r.findings if f.code == "ineligible_kind")
    assert "享受奖补资金支持的退出产能" in msg and "46号" in msg


def test_unit_mismatch_is_refused_without_a_stated_basis() -> None:
    src = sources([31], product="水泥熟料", unit="万吨/年")
    r = check(CLINKER, src, on=ON)
    assert "unit_mismatch" in codes(r) and r.provided_capacity == 0.0
    # stated basis: 310 operating days -> 310 000 t/yr ÷ 310 d = 1 000 t/d
    r2 = check(CLINKER, src, on=ON, days_per_year=310)
    assert r2.provided_capacity == pytest.approx(1000.0)
    assert capacity_factor("万吨/年", "吨/年") == 1e4
    assert capacity_factor("吨/日", "万吨/年") is None
    assert parse_capacity_unit("t/d") == (1.0, "day")


def test_cross_province_cement_counts_at_two_to_one() -> None:
    # 温州 (other region after 国发〔2023〕24号): base 1.5:1, 跨省 2:1 (2024年本)
    proj = {**CLINKER, "city": "温州", "county": None, "new_capacity": 1000}
    src = sources([900, 800], product="水泥熟料", unit="吨/日", province=["浙江", "江西"])
    r = check(proj, src, on="2024-12-01")
    # covered new capacity = 900/1.5 + 800/2 = 600 + 400 = 1000 -> exactly enough
    assert r.lines[0].covered_new_capacity == pytest.approx(1000.0)
    assert r.capacity_shortfall == 0.0 and r.ok
    assert r.sources["retire_per_new"].tolist() == [1.5, 2.0]
    # with 799 t/d across the border: short by (1000 − 600 − 399.5) × 1.5 = 0.75 t/d
    r2 = check(proj, sources([900, 799], product="水泥熟料", unit="吨/日", province=["浙江", "江西"]), on="2024-12-01")
    assert r2.capacity_shortfall == pytest.approx(0.75)


def test_merger_capacity_relaxes_the_steel_ratio() -> None:
    # 实质性兼并重组 in a 重点区域: 1.25:1 -> 100 × 1.25 = 125
    r = check(STEEL, sources([125], conditions="merger"), on=ON)
    assert r.sources["retire_per_new"].iloc[0] == 1.25
    assert r.ok


def test_zhejiang_chemicals_suspended_and_no_rule_is_not_guessed() -> None:
    chem = {"id": "化工", "sector": "化工", "product": "合成树脂", "new_capacity": 10,
            "capacity_unit": "万吨/年", "province": "浙江", "city": "绍兴"}
    with pytest.raises(RuleError, match="53号"):  # 浙经信投资〔2022〕53号, from 2022-03-09
        check(chem, sources([20], product="合成树脂"), on=ON)
    with pytest.raises(RuleError, match="does not guess"):
        check({**chem, "province": "江苏", "city": "南京"}, sources([20], product="合成树脂"), on=ON)
    # a ratio the caller states (with its source) is used, suspensions still apply
    r = check({**chem, "province": "江苏", "city": "南京"}, sources([20], product="合成树脂"), on=ON,
              retire_per_new=1.5)
    assert r.required_capacity == pytest.approx(15.0)  # 10 × 1.5


def test_bad_rows_are_all_reported_in_one_input_error() -> None:
    src = pd.DataFrame({"source_id": ["a", "b", "c"], "product": ["粗钢"] * 3,
                        "capacity": [-5, "很多", 10], "capacity_unit": ["万吨/年", "万吨/年", "万桶"],
                        "closed_on": ["2023-01-01", "昨天", "2023-01-01"]})
    with pytest.raises(InputError) as exc:
        check(STEEL, src, on=ON)
    f = exc.value.failures
    assert set(zip(f["row"], f["reason"])) == {(0, "quantity_negative"), (1, "quantity_not_numeric"),
                                               (1, "date_invalid"), (2, "unit_unknown")}


# ---------------------------------------------------------------------------------------------
# ledger


def test_a_source_used_by_project_a_is_not_counted_for_b_until_released(tmp_path: Path) -> None:
    led = Ledger()
    a = check(STEEL, sources([100, 60]), on=ON)
    assert led.record(a) == 2
    b = check({**STEEL, "id": "B"}, sources([100, 60]), on="2023-06-01", ledger=led)
    assert b.provided_capacity == 0.0 and "already_allocated" in codes(b) and not b.ok
    with pytest.raises(LedgerError):      # recording B's sources again would double count
        led.allocate("B", "S1", capacity=10, capacity_unit="万吨/年", source_capacity=100, on="2023-06-01")
    assert led.release("诸暨钢铁", on="2023-07-01") == 2
    b2 = check({**STEEL, "id": "B"}, sources([100, 60]), on="2023-07-02", ledger=led)
    assert b2.ok and b2.provided_capacity == pytest.approx(160.0)
    assert led.allocations["released_on"].tolist() == [dt.date(2023, 7, 1)] * 2   # history kept


def test_ledger_shares_and_over_allocation() -> None:
    led = Ledger()
    led.allocate("A", "S1", capacity=60, capacity_unit="万吨/年", source_capacity=100, energy_tce=3000,
                 source_energy_tce=5000, on=ON)
    assert led.available("S1") == (40.0, 2000.0)     # 100 − 60, 5000 − 3000
    with pytest.raises(LedgerError, match="超额"):
        led.allocate("B", "S1", capacity=41, capacity_unit="万吨/年", source_capacity=100, on=ON)
    with pytest.raises(LedgerError, match="one total"):
        led.allocate("B", "S1", capacity=10, capacity_unit="万吨/年", source_capacity=90, on=ON)
    # B counts only what is left of S1: 40 of 100
    r = check({**STEEL, "id": "B", "new_capacity": 20}, sources([100]), on=ON, ledger=led)
    assert r.provided_capacity == pytest.approx(40.0) and "partly_allocated" in codes(r)
    assert r.ok                                        # 20 × 1.5 = 30 <= 40
    # plan() respects the ledger too
    p = plan({**STEEL, "id": "B", "new_capacity": 30}, sources([100]), on=ON, ledger=led)
    assert p.status == "infeasible" and p.capacity_shortfall == pytest.approx(5.0)  # 45 − 40


def test_ledger_save_load_and_atomic_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    led = Ledger()
    led.allocate("A", "S1", capacity=60, capacity_unit="万吨/年", source_capacity=100, on=ON)
    path = led.save(tmp_path / "台账.csv")
    back = Ledger.load(path)
    assert back.available("S1") == (40.0, 0.0)
    assert back.allocations["allocated_on"].tolist() == [dt.date(2023, 5, 1)]
    before = path.read_bytes()

    led.allocate("B", "S1", capacity=10, capacity_unit="万吨/年", source_capacity=100, on=ON)
    real_replace = os.replace

    def crash(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("tanfeng.swap.ledger.os.replace", crash)
    with pytest.raises(OSError):
        led.save(path)
    assert path.read_bytes() == before                 # the old file is whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.csv"]   # no temp file left
    monkeypatch.setattr("tanfeng.swap.ledger.os.replace", real_replace)

    def half_write(self: pd.DataFrame, fh: Any, **kwargs: Any) -> None:
        fh.write("project_id,source_id\nA,")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_write)
    with pytest.raises(KeyboardInterrupt):
        led.save(path)
    assert path.read_bytes() == before


def test_ledger_load_reports_bad_rows(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("project_id,source_id,product,capacity,capacity_unit,energy_tce,source_capacity,"
                 "source_energy_tce,allocated_on,released_on,note\n"
                 "A,S1,粗钢,abc,万吨/年,0,100,0,2023-05-01,,\n"
                 "A,S2,粗钢,10,万吨/年,0,100,0,not a date,,\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        Ledger.load(p)
    assert set(exc.value.failures["reason"]) == {"quantity_not_numeric", "date_invalid"}


# ---------------------------------------------------------------------------------------------
# plan: optimal against enumeration


def brute_force(caps: list[float], energy: list[float], prices: list[float], R: float, E: float,
                objective: str) -> tuple[float, tuple[int, ...]] | None:
    """Best subset by enumerating all 2^n of them (the definition of each objective)."""
    best: tuple[float, tuple[int, ...]] | None = None
    for k in range(len(caps) + 1):
        for sub in itertools.combinations(range(len(caps)), k):
            c = sum(caps[i] for i in sub)
            e = sum(energy[i] for i in sub)
            if c < R * (1 - 1e-12) or e < E * (1 - 1e-12):
                continue
            if objective == "min_surplus":
                val = c / R + (e / E if E > 0 else 0.0)
            elif objective == "min_cost":
                val = sum(prices[i] for i in sub)
            else:
                val = float(len(sub))
            if best is None or val < best[0] - 1e-12:
                best = (val, sub)
    return best


def _plan(caps: list[float], energy: list[float], prices: list[float], R: float, E: float, objective: str) -> Any:
    proj = {**STEEL, "new_capacity": R / 1.5, "new_tce": E if E > 0 else None}
    return plan(proj, sources(caps, energy_tce=energy, price=prices), on=ON, objective=objective,  # type: ignore[arg-type]
                mip_rel_gap=1e-9, time_limit=5)


def test_plan_matches_enumeration_on_a_small_case() -> None:
    caps = [40, 35, 30, 25, 20, 15, 12, 8]
    energy = [20000, 9000, 16000, 6000, 11000, 3000, 7000, 2500]
    prices = [900, 700, 650, 600, 380, 310, 260, 200]
    R, E = 100.0, 40000.0       # new 66.67 × 1.5 = 100 retired; 40 000 tce
    for objective in ("min_surplus", "min_cost", "min_sources"):
        best = brute_force(caps, energy, prices, R, E, objective)
        assert best is not None
        p = _plan(caps, energy, prices, R, E, objective)
        assert p.status == "optimal" and p.gap <= 1e-9
        assert p.objective_value == pytest.approx(best[0], rel=1e-9)
        assert p.ok
    # the chosen set itself meets both requirements and has the enumerated objective
    p = _plan(caps, energy, prices, R, E, "min_surplus")
    chosen = sorted(int(s[1:]) - 1 for s in p.chosen["source_id"])
    c, e = sum(caps[i] for i in chosen), sum(energy[i] for i in chosen)
    assert c >= R and e >= E
    assert c / R + e / E == pytest.approx(brute_force(caps, energy, prices, R, E, "min_surplus")[0])  # type: ignore[index]


def test_plan_infeasible_states_what_is_missing() -> None:
    # all eligible: 40 + 30 = 70 万t against 150 needed -> 80 short; energy 5 000 of 9 000 -> 4 000 short
    p = plan({**STEEL, "new_tce": 9000}, sources([40, 30], energy_tce=[2000, 3000]), on=ON)
    assert p.status == "infeasible" and not p.ok
    assert p.capacity_shortfall == pytest.approx(80.0)
    assert p.energy_shortfall_tce == pytest.approx(4000.0)
    assert "plan_infeasible" in codes(p) and math.isinf(p.gap)


def test_plan_multi_line_source_serves_one_line_only() -> None:
    # two lines of 粗钢, each 20 new -> 30 retired each (1.5:1); sources 30, 30, 25
    proj = Project(id="两线", sector="钢铁", province="浙江", city="绍兴",
                   lines=[Line(id="一线", product="粗钢", new_capacity=20, capacity_unit="万吨/年"),
                          Line(id="二线", product="粗钢", new_capacity=20, capacity_unit="万吨/年")])
    p = plan(proj, sources([30, 30, 25]), on=ON)
    assert p.status == "optimal"
    assert sorted(p.chosen["source_id"]) == ["S1", "S2"]      # each 30 covers one line exactly
    assert sorted(p.chosen["line"]) == ["一线", "二线"]
    assert p.sources["share"].tolist() == [1.0, 1.0, 0.0]


def test_divisible_sources_are_split_unless_the_rule_forbids_it() -> None:
    # clinker 4000 t/d -> 8000; one divisible 10 000 t/d source: 0.8 of it under the 2021 办法 …
    src = sources([10000], product="水泥熟料", unit="吨/日", divisible="是")
    p = plan(CLINKER, src, on=ON)
    assert p.chosen["share"].iloc[0] == pytest.approx(0.8)    # 8000 / 10000
    # … but the 2024年本 forbids splitting clinker capacity: the whole source is used
    p24 = plan(CLINKER, src, on="2024-12-01")
    assert p24.chosen["share"].iloc[0] == pytest.approx(1.0)


small = st.lists(st.tuples(st.integers(1, 60), st.integers(0, 5000), st.integers(1, 900)), min_size=1, max_size=7)


@settings(max_examples=25, deadline=None)
@given(small, st.integers(1, 150), st.integers(0, 12000), st.sampled_from(["min_surplus", "min_cost", "min_sources"]))
def test_plan_is_optimal_and_never_worse_than_greedy(items: list[tuple[int, int, int]], R: int, E: int,
                                                      objective: str) -> None:
    caps = [float(c) for c, _, _ in items]
    energy = [float(e) for _, e, _ in items]
    prices = [float(p) for _, _, p in items]
    best = brute_force(caps, energy, prices, float(R), float(E), objective)
    p = _plan(caps, energy, prices, float(R), float(E), objective)
    if best is None:
        assert p.status == "infeasible"
        # single line: what is missing is exactly the requirement minus everything available
        assert p.capacity_shortfall == pytest.approx(max(R - sum(caps), 0.0), abs=1e-6)
        return
    assert p.status == "optimal"
    assert p.objective_value == pytest.approx(best[0], rel=1e-7)
    assert p.objective_value <= p.greedy_objective + 1e-9
    assert p.bound <= p.objective_value + 1e-9


# ---------------------------------------------------------------------------------------------
# rule files and chart


def test_every_rule_row_has_a_source_and_a_confidence_mark() -> None:
    for name in ("capacity_swap.csv", "key_regions.csv", "swap_exclusions.csv"):
        with open(data_dir() / "rules" / name, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows, name
        for r in rows:
            assert r["source"].strip(), (name, r)
            assert r["confidence"] in CONFIDENCE_LEVEL, (name, r)
    rs = RuleSet.default()
    # the six 等量置换 cases of 46号: five equipment conditions + 青海/西藏 (one case, two rows)
    equal = [r for r in rs.rules if r.sector == "钢铁" and r.retire_per_new == 1.0]
    assert len([r for r in equal if r.condition]) == 5
    assert sorted(r.jurisdiction for r in equal if not r.condition) == ["西藏", "青海"]


def test_own_rule_file_is_validated(tmp_path: Path) -> None:
    p = tmp_path / "capacity_swap.csv"
    p.write_text("id,document,sector,product,valid_from,status,retire_per_new,source,confidence\n"
                 "x,doc,钢铁,*,2021-01-01,active,,somewhere,V\n", encoding="utf-8")
    with pytest.raises(RuleError, match="retire_per_new"):
        RuleSet.from_csv(p)


def test_chart_renders_without_missing_glyphs(tmp_path: Path) -> None:
    from tanfeng.plotting.swap import swap_bars

    r = check({**STEEL, "new_tce": 30000}, sources([100, 60], energy_tce=[15000, 10000]), on=ON)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = swap_bars(r, path=tmp_path / "swap.png")
    assert (tmp_path / "swap.png").stat().st_size > 1000
    assert len(fig.axes) == 2                     # capacity and energy panels
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[0] == pytest.approx(150.0)     # required bar: 100 × 1.5
    assert sorted(heights[1:]) == pytest.approx([60.0, 100.0])   # one segment per source
    assert any(line.get_ydata()[0] == pytest.approx(150.0) for line in fig.axes[0].get_lines())
    assert np.isclose(sum(heights[1:]), 160.0)


def test_check_multi_line_needs_a_line_column_and_shares_are_checked() -> None:
    proj = Project(id="两线", sector="钢铁", province="浙江", city="绍兴",
                   lines=[Line(id="一线", product="粗钢", new_capacity=20, capacity_unit="万吨/年"),
                          Line(id="二线", product="粗钢", new_capacity=20, capacity_unit="万吨/年")])
    with pytest.raises(InputError) as exc:
        check(proj, sources([30, 30]), on=ON)
    assert set(exc.value.failures["reason"]) == {"line_ambiguous"}
    r = check(proj, sources([30, 30], line=["一线", "二线"]), on=ON)
    assert [ln.provided_capacity for ln in r.lines] == [30.0, 30.0]   # 20 × 1.5 = 30 each
    assert r.ok
    # shares against the ledger: A holds 60 of S1 (100); B may claim 40 % (40) but not 50 % (50)
    led = Ledger()
    led.allocate("A", "S1", capacity=60, capacity_unit="万吨/年", source_capacity=100, on=ON)
    b = {**STEEL, "id": "B", "new_capacity": 20}
    assert check(b, sources([100], share=0.4), on=ON, ledger=led).provided_capacity == pytest.approx(40.0)
    r50 = check(b, sources([100], share=0.5), on=ON, ledger=led)
    assert "already_allocated" in codes(r50) and r50.provided_capacity == 0.0


def test_a_plan_recorded_in_the_ledger_is_not_planned_again() -> None:
    led = Ledger()
    src = sources([60, 50, 40, 35])
    first = plan({**STEEL, "new_capacity": 60}, src, on=ON)   # 60 × 1.5 = 90; only 50 + 40 fits exactly
    assert sorted(first.chosen["source_id"]) == ["S2", "S3"]
    led.record(first)
    second = plan({**STEEL, "id": "B", "new_capacity": 60}, src, on=ON, ledger=led)   # left: 60 + 35 = 95
    assert sorted(second.chosen["source_id"]) == ["S1", "S4"]
    assert second.provided_capacity == pytest.approx(95.0)
    assert set(second.sources.loc[second.sources["source_id"].isin(["S2", "S3"]), "reasons"]) == {"already_allocated"}


def test_key_region_basis_can_be_forced() -> None:
    # 温州 on 2024-12-01 is outside the 2023 list, but inside the 2018 one (whole 浙江)
    proj = {**CLINKER, "city": "温州", "county": None}
    src = sources([8000], product="水泥熟料", unit="吨/日")
    assert check(proj, src, on="2024-12-01").required_capacity == pytest.approx(6000.0)   # 4000 × 1.5
    forced = check(proj, src, on="2024-12-01", key_region_basis="gf-2018-22")
    assert forced.required_capacity == pytest.approx(8000.0)                             # 4000 × 2


def test_energy_only_sources_offset_energy_but_not_capacity() -> None:
    # a closed dyeing firm frees 8 000 tce (能耗替代来源) but no steel capacity
    src = pd.concat([sources([100, 60], energy_tce=[15000, 10000]),
                     pd.DataFrame({"source_id": ["印染厂"], "role": ["能耗"], "energy_tce": [8000],
                                   "closed_on": ["2022-10-01"]})], ignore_index=True)
    r = check({**STEEL, "new_tce": 30000}, src, on=ON)
    assert r.provided_capacity == pytest.approx(160.0)       # 100 + 60, the dyeing firm adds none
    assert r.provided_tce == pytest.approx(33000.0)          # 15 000 + 10 000 + 8 000 >= 30 000
    assert r.ok
    assert r.sources["line"].tolist() == ["粗钢", "粗钢", "能耗替代"]
    # plan: 150 万t needs both steel sources (100 + 60); they free 25 000 tce, 5 000 short of
    # 30 000, so the dyeing firm's 8 000 tce is needed too
    p = plan({**STEEL, "new_tce": 30000}, src, on=ON)
    assert p.status == "optimal"
    assert sorted(p.chosen["source_id"]) == ["S1", "S2", "印染厂"]
    with pytest.raises(InputError) as exc:                    # an energy-only source without energy
        check(STEEL, pd.DataFrame({"source_id": ["x"], "role": ["能耗"], "closed_on": ["2022-10-01"]}), on=ON)
    assert set(exc.value.failures["reason"]) == {"energy_required"}


def test_an_energy_only_source_used_up_in_the_ledger_is_not_counted_again() -> None:
    src = pd.DataFrame({"source_id": ["印染厂"], "role": ["能耗"], "energy_tce": [8000], "closed_on": ["2022-10-01"]})
    led = Ledger()
    led.allocate("A", "印染厂", capacity=0, capacity_unit="", source_capacity=0, energy_tce=8000,
                 source_energy_tce=8000, on=ON)
    r = check({**STEEL, "id": "B", "new_tce": 5000}, pd.concat([sources([150]), src], ignore_index=True),
              on=ON, ledger=led)
    assert r.provided_tce == 0.0 and r.energy_shortfall_tce == pytest.approx(5000.0)
    assert "already_allocated" in codes(r)


def test_check_and_plan_share_one_list_of_options() -> None:
    import inspect

    from tanfeng.swap.checking import SwapOptions, evaluate_project

    params = inspect.signature(evaluate_project).parameters.values()
    keywords = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY} - {"mode", "need_price"}
    assert set(SwapOptions.__annotations__) == keywords
    for fn in (check, plan):
        with pytest.raises(TypeError, match="energy_ration"):
            fn(STEEL, sources([80, 60]), on=ON, energy_ration=1.2)  # a misspelt option is refused

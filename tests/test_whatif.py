"""What-if (情景测算): targets.whatif against optima found by enumerating every subset.

The brute force below knows nothing of the solver: it lists all 2^n subsets of at most 16
candidates, keeps those meeting every constraint (energy, CO2, town minimums and caps, budget,
one action per enterprise, deadline) and takes the cheapest. Hand-made cases have their
arithmetic beside them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tanfeng.cells import set_language
from tanfeng.errors import InputError
from tanfeng.plans import ZHUJI_2023
from tanfeng.targets import Tracker, whatif


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Messages in Chinese here, whatever language an earlier command left set."""
    set_language("zh")
    yield
    set_language("zh")


TOWNS = ("店口镇", "陶朱街道", "枫桥镇")


def instance(n: int, seed: int) -> pd.DataFrame:
    """n candidates in three towns; about a third of the enterprises may close or upgrade."""
    rng = np.random.default_rng(seed)
    ent = []
    k = 0
    while len(ent) < n:
        two = rng.random() < 0.35 and len(ent) <= n - 2
        ent += [f"企业{k}"] * (2 if two else 1)
        k += 1
    tce = np.round(rng.lognormal(np.log(800), 0.6, n))
    action = np.where(rng.random(n) < 0.5, "淘汰", "整治")
    for i in range(1, n):  # the second row of an enterprise is the other action, freeing less
        if ent[i] == ent[i - 1]:
            action[i - 1], action[i] = "淘汰", "整治"
            tce[i] = np.round(tce[i - 1] * rng.uniform(0.3, 0.7))
    town = {e: TOWNS[j % 3] for j, e in enumerate(dict.fromkeys(ent))}
    return pd.DataFrame({
        "企业名称": ent, "镇乡（街道）": [town[e] for e in ent], "类型": action, "腾出用能": tce,
        "减少碳排放": np.round(tce * rng.uniform(1.6, 2.6, n)),
        "费用": np.round(tce * rng.lognormal(np.log(0.08), 0.4, n), 1),
        "涉及人数": np.where(action == "淘汰", rng.integers(5, 80, n), rng.integers(0, 10, n)),
        "最早完成月份": rng.choice(["2023-03", "2023-09", "2023-12", "2024-06"], n),
    })


def brute(df: pd.DataFrame, need_tce: float, need_co2: float, *, weights: dict[str, float] | None = None,
          town_min: dict[str, float] | None = None, town_max_jobs: dict[str, float] | None = None,
          budget: float | None = None, last_month: str | None = None) -> tuple[float, np.ndarray | None]:
    """Cheapest feasible subset by enumeration: (objective, mask over the rows) or (inf, None)."""
    n = len(df)
    bits = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(float)  # every subset
    tce, co2 = df["腾出用能"].to_numpy(float), df["减少碳排放"].to_numpy(float)
    cost, jobs = df["费用"].to_numpy(float), df["涉及人数"].to_numpy(float)
    w = weights or {"cost": 1.0}
    obj = bits @ (w.get("cost", 0.0) * cost + w.get("jobs", 0.0) * jobs)
    ok = (bits @ tce >= need_tce) & (bits @ co2 >= need_co2)
    for e in df["企业名称"].unique():  # one action per enterprise
        ok &= bits[:, (df["企业名称"] == e).to_numpy()].sum(axis=1) <= 1
    town = df["镇乡（街道）"].to_numpy()
    for t, v in (town_min or {}).items():
        ok &= bits @ np.where(town == t, tce, 0.0) >= v
    for t, v in (town_max_jobs or {}).items():
        ok &= bits @ np.where(town == t, jobs, 0.0) <= v
    if budget is not None:
        ok &= bits @ cost <= budget
    if last_month is not None:  # a late action cannot be chosen
        late = (df["最早完成月份"] > last_month).to_numpy()
        ok &= bits[:, late].sum(axis=1) == 0
    if not ok.any():
        return math.inf, None
    k = int(np.argmin(np.where(ok, obj, np.inf)))
    return float(obj[k]), bits[k].astype(bool)


def check_against_brute(df: pd.DataFrame, need_tce: float, need_co2: float, **kw: object) -> None:
    r = whatif(df, need_tce=need_tce, need_co2=need_co2, **kw)  # type: ignore[arg-type]
    bkw: dict[str, object] = {}
    if "objective" in kw:
        o = kw["objective"]
        bkw["weights"] = {o: 1.0} if isinstance(o, str) else o
    if "town_min" in kw:
        bkw["town_min"] = kw["town_min"]
    if "town_max" in kw:
        bkw["town_max_jobs"] = dict(zip(kw["town_max"]["镇乡（街道）"], kw["town_max"]["涉及人数"]))  # type: ignore[index]
    if "budget" in kw:
        bkw["budget"] = kw["budget"]
    if "deadline" in kw:
        bkw["last_month"] = str(kw["deadline"])[:7]
    best, mask = brute(df, need_tce, need_co2, **bkw)  # type: ignore[arg-type]
    if mask is None:
        assert r.status == "infeasible" and not r.ok
        assert r.message
        return
    assert r.status == "optimal"
    assert r.objective_value == pytest.approx(best, rel=1e-4, abs=1e-6)
    # the chosen set itself meets every constraint (checked again from the input columns)
    c = r.chosen
    assert c["腾出用能"].sum() >= need_tce - 1e-6 and c["减少碳排放"].sum() >= need_co2 - 1e-6
    assert not c["企业名称"].duplicated().any()
    if "budget" in kw:
        assert c["费用"].sum() <= kw["budget"] + 1e-6  # type: ignore[operator]
    # greedy is an answer too, never better than the optimum
    assert r.greedy_objective >= best - 1e-6 * max(best, 1)


@pytest.mark.parametrize("seed", range(8))
def test_cost_optimum_equals_enumeration(seed: int) -> None:
    df = instance(12 + seed % 5, seed)  # 12–16 candidates
    tce, co2 = df["腾出用能"].sum(), df["减少碳排放"].sum()
    check_against_brute(df, 0.45 * tce, 0.45 * co2)


@pytest.mark.parametrize("seed", range(4))
def test_jobs_and_weighted_objectives_equal_enumeration(seed: int) -> None:
    df = instance(14, 100 + seed)
    tce, co2 = df["腾出用能"].sum(), df["减少碳排放"].sum()
    check_against_brute(df, 0.4 * tce, 0.4 * co2, objective="jobs")
    check_against_brute(df, 0.4 * tce, 0.4 * co2, objective={"cost": 1.0, "jobs": 0.5})


@pytest.mark.parametrize("seed", range(6))
def test_town_minimums_caps_budget_and_deadline_equal_enumeration(seed: int) -> None:
    df = instance(15, 200 + seed)
    tce, co2 = df["腾出用能"].sum(), df["减少碳排放"].sum()
    town_tce = df.groupby("镇乡（街道）")["腾出用能"].sum()
    town_jobs = df.groupby("镇乡（街道）")["涉及人数"].sum()
    mins = {t: 0.3 * town_tce[t] for t in TOWNS[:2]}
    caps = pd.DataFrame({"镇乡（街道）": [TOWNS[2]], "涉及人数": [0.5 * town_jobs[TOWNS[2]]]})
    check_against_brute(df, 0.35 * tce, 0.35 * co2, town_min=mins)
    check_against_brute(df, 0.35 * tce, 0.35 * co2, town_min=mins, town_max=caps)
    check_against_brute(df, 0.3 * tce, 0.3 * co2, budget=0.5 * df["费用"].sum(), deadline="2023-12-31")


def test_infeasible_instances_agree_with_enumeration() -> None:
    for seed in range(4):
        df = instance(13, 300 + seed)
        tce = df["腾出用能"].sum()
        assert brute(df, 0.8 * tce, 0.0, budget=0.3 * df["费用"].sum())[0] == math.inf  # truly infeasible
        check_against_brute(df, 0.8 * tce, 0.0, budget=0.3 * df["费用"].sum())


# ---------------------------------------------------------------------------------------------
# hand-made cases

HAND = pd.DataFrame({"企业名称": ["甲", "甲", "乙", "丙"], "镇乡（街道）": ["店口镇", "店口镇", "陶朱街道", "店口镇"],
                     "类型": ["淘汰", "整治", "淘汰", "整治"], "腾出用能": [900, 400, 600, 500],
                     "减少碳排放": [1800, 800, 1200, 1000], "费用": [90, 20, 50, 30],
                     "涉及人数": [40, 0, 25, 5]})


def test_hand_case_least_cost_and_least_jobs() -> None:
    # need 1 200 tce: subsets (one row per enterprise) freeing ≥ 1 200 tce:
    #   甲淘汰+乙 = 1 500 (140 万元, 65 人); 甲淘汰+丙 = 1 400 (120, 45); 甲淘汰+乙+丙 = 2 000 (170, 70);
    #   甲整治+乙+丙 = 1 500 (100, 30) -> least cost 100 万元; least jobs 30 人 (the same set)
    r = whatif(HAND, need_tce=1200, need_co2=0)
    assert r.objective_value == pytest.approx(100.0)
    assert sorted(r.chosen.index) == [1, 2, 3]
    assert r.totals.loc["chosen", "energy_freed_tce"] == pytest.approx(1500.0)  # 400 + 600 + 500
    assert r.totals.loc["chosen", "jobs"] == pytest.approx(30.0)  # 0 + 25 + 5
    j = whatif(HAND, need_tce=1200, need_co2=0, objective="jobs")
    assert j.objective_value == pytest.approx(30.0)
    # the same rows, in the same order, come back
    assert list(r.candidates.index) == list(HAND.index)
    assert r.candidates["chosen"].tolist() == [False, True, True, True]


def test_hand_case_town_minimum_changes_the_answer() -> None:
    # 店口镇 must free ≥ 1 300 tce itself: 甲淘汰+丙 = 1 400 (120 万元) is the only 店口 set
    # reaching it (甲整治+丙 = 900); it also meets 1 200 overall -> 120 万元
    r = whatif(HAND, need_tce=1200, need_co2=0, town_min={"店口镇": 1300})
    assert r.objective_value == pytest.approx(120.0)
    assert sorted(r.chosen.index) == [0, 3]
    row = r.constraints.set_index("constraint").loc["店口镇 腾出用能 ≥"]
    assert row["achieved"] == pytest.approx(1400.0) and row["slack"] == pytest.approx(100.0)


def test_infeasible_says_which_target_and_by_how_much() -> None:
    # every enterprise's largest action: 甲 900 + 乙 600 + 丙 500 = 2 000 tce at most -> 2 500 is
    # short by 500; CO2: 1 800 + 1 200 + 1 000 = 4 000 ≥ 3 000 is reachable
    r = whatif(HAND, need_tce=2500, need_co2=3000)
    assert r.status == "infeasible" and not r.ok
    assert len(r.shortfall) == 1
    s = r.shortfall.iloc[0]
    assert s["measure"] == "energy_freed_tce"
    assert s["best_possible"] == pytest.approx(2000.0) and s["missing"] == pytest.approx(500.0)
    assert "腾出用能" in r.message and "2,500" in r.message and "500" in r.message
    assert r.chosen.empty


def test_budget_makes_it_infeasible_and_the_message_names_the_budget_limit() -> None:
    # budget 60 万元: the most tce for 60 (fractions allowed): 甲整治 400 for 20 (20/万元), then
    # 丙 500 for 30 (16.7/万元): 50 万元 -> 900 tce, 10 万元 left buys 10/50 of 乙 = 120 tce -> 1 020
    r = whatif(HAND, need_tce=1200, need_co2=0, budget=60)
    assert r.status == "infeasible"
    assert r.shortfall.iloc[0]["best_possible"] == pytest.approx(1020.0)
    assert r.shortfall.iloc[0]["missing"] == pytest.approx(180.0)
    assert "预算" in r.message


def test_deadline_excludes_late_actions_with_a_reason() -> None:
    df = HAND.assign(最早完成月份=["2023-06", "2024-03", "2023-12", "2023-10"])
    # deadline 2023-12: 甲整治 (2024-03) is out; sets left: 甲淘汰+丙 = 1 400 for 120 万元 (cheapest)
    r = whatif(df, need_tce=1200, need_co2=0, deadline="2023-12-31")
    assert r.candidates["eligible"].tolist() == [True, False, True, True]
    assert r.candidates.loc[1, "reason"].startswith("too_late")
    assert r.objective_value == pytest.approx(120.0)


def test_needs_come_from_the_tracker() -> None:
    acts = pd.DataFrame({"enterprise": ["A", "B"], "town": ["店口镇", "店口镇"], "action": ["淘汰", "整治提升"],
                         "date": ["2022-03-31", "2022-06-30"], "energy_freed_tce": [30000, 45000],
                         "co2_reduced_t": [60000, 90000]})
    tr = Tracker(ZHUJI_2023, acts)
    # 诸暨 targets 8 万 tce and 16 万 tCO2; achieved 75 000 and 150 000 -> 5 000 and 10 000 remain
    cands = pd.DataFrame({"企业名称": ["A", "C", "D"], "镇乡（街道）": "店口镇", "类型": "淘汰",
                          "腾出用能": [9000, 3000, 2500], "减少碳排放": [18000, 6000, 5000], "费用": [10, 40, 35]})
    r = whatif(cands, tracker=tr, as_of="2022-12-31")
    assert (r.need_tce, r.need_co2) == (5000.0, 10000.0)
    # A is already closed in the Tracker, so C + D (5 500 tce, 75 万元) even though A is cheaper
    assert r.candidates.loc[0, "reason"].startswith("already_closed")
    assert r.objective_value == pytest.approx(75.0)
    assert r.deadline == ZHUJI_2023.end


def test_bad_rows_are_listed_or_kept() -> None:
    bad = HAND.copy()
    bad["费用"] = bad["费用"].astype(object)
    bad.loc[1, "费用"] = "很多"
    bad.loc[2, "类型"] = "搬迁"
    with pytest.raises(InputError) as e:
        whatif(bad, need_tce=1000, need_co2=0)
    f = e.value.failures
    assert sorted(zip(f["row"], f["reason"])) == [(1, "quantity_not_numeric"), (2, "action_unknown")]
    r = whatif(bad, need_tce=1000, need_co2=0, errors="report")
    assert len(r.candidates) == 4 and r.candidates["eligible"].tolist() == [True, False, False, True]
    # 甲淘汰 + 丙 = 1 400 tce for 120 万元 is the only set left
    assert r.objective_value == pytest.approx(120.0)


def test_missing_cost_column_is_one_clear_error() -> None:
    with pytest.raises(InputError) as e:
        whatif(HAND.drop(columns="费用"), need_tce=1000, need_co2=0)
    assert e.value.failures["column"].tolist() == ["cost"]


def test_nothing_needed_chooses_nothing() -> None:
    r = whatif(HAND, need_tce=0, need_co2=0)
    assert r.ok and r.chosen.empty and r.objective_value == 0.0


def test_binding_constraints_from_shadow_prices() -> None:
    # only energy is asked: its LP shadow price is positive (cost per tce at the margin), so it is
    # the binding constraint; a budget far above the cost is not
    r = whatif(HAND, need_tce=1200, need_co2=0, budget=1000)
    assert r.binding == ["腾出用能"]
    assert r.constraints.set_index("constraint").loc["预算", "slack"] == pytest.approx(900.0)  # 1000 − 100


def test_html_and_summary_show_the_answer() -> None:
    r = whatif(HAND, need_tce=1200, need_co2=0)
    h = r._repr_html_()
    assert "最优方案" in h and "贪心方案" in h and "100.00" in h
    assert "费用 100.0 万元" in str(r)


def test_every_subset_size_up_to_16_is_handled() -> None:
    # one enterprise per row, cost = tce: the cheapest cover of half the total is a subset-sum;
    # enumeration gives the answer for each size
    for n in (1, 2, 5, 16):
        tce = np.arange(1, n + 1) * 100.0
        df = pd.DataFrame({"企业名称": [f"E{i}" for i in range(n)], "镇乡（街道）": "店口镇", "类型": "淘汰",
                           "腾出用能": tce, "减少碳排放": 2 * tce, "费用": tce / 10, "涉及人数": 1})
        need = 0.5 * tce.sum() + 1
        best = min(sum(c) for k in range(n + 1) for c in itertools.combinations(tce / 10, k)
                   if 10 * sum(c) >= need)
        assert whatif(df, need_tce=need, need_co2=0).objective_value == pytest.approx(best)


# ---------------------------------------------------------------------------------------------
# the chart and the sample candidates


def test_chart_draws_chosen_against_the_rest_by_town(tmp_path: Path) -> None:
    from tanfeng.plotting.whatif import whatif_chart

    r = whatif(HAND, need_tce=1200, need_co2=0, town_min={"店口镇": 800})
    fig = whatif_chart(r, path=tmp_path / "w.png")
    assert (tmp_path / "w.png").stat().st_size > 10_000
    left, right = fig.axes[:2]
    # left: rest (hollow) then chosen (filled) points — 1 not chosen (甲淘汰), 3 chosen
    assert [len(c.get_offsets()) for c in left.collections[:2]] == [1, 3]
    # right: one bar per town with eligible candidates, the chosen energy of each:
    # 店口镇 400 + 500 = 900, 陶朱街道 600
    bars = {t.get_text(): p.get_width() for t, p in zip(right.get_yticklabels(), right.patches)}
    assert bars == {"陶朱街道": pytest.approx(600.0), "店口镇": pytest.approx(900.0)}
    assert "已证明最优" in fig._suptitle.get_text()  # type: ignore[union-attr]
    en = whatif_chart(r, lang="en")
    assert "proven optimal" in en._suptitle.get_text()  # type: ignore[union-attr]


def test_sample_candidates_are_synthetic_and_read_by_whatif() -> None:
    from tanfeng.datasets import whatif_candidates, zhuji_sample

    s = zhuji_sample(seed=0, n_enterprises=300)
    a, b = whatif_candidates(s), whatif_candidates(s)
    pd.testing.assert_frame_equal(a, b)  # the same seed, the same table
    assert a.attrs["synthetic"] and "合成数据" in a.attrs["note"]
    # every candidate enterprise has no action finished by 2022-12-31, and at most two rows
    done = set(s.actions.loc[s.actions["date"] <= "2022-12-31", "enterprise"])
    assert not set(a["企业名称"]) & done
    assert a["企业名称"].value_counts().max() <= 2
    r = whatif(a, need_tce=0.3 * a["腾出用能"].sum(), need_co2=0)
    assert r.ok and r.status == "optimal"

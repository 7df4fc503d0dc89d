"""Every kind of rule set loads one way: load(id_or_path), available(), .sources, .version."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from tanfeng.errors import RuleError
from tanfeng.per_mu import ClassRule, Scheme
from tanfeng.screening import LowEfficiencyRules, TwoHighRules, screen_two_high
from tanfeng.swap import SwapRules
from tanfeng.targets import Plan

KINDS = [TwoHighRules, LowEfficiencyRules, SwapRules, Scheme, ClassRule, Plan]
SRC = Path(__file__).resolve().parents[1] / "src" / "tanfeng"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_kind_loads_the_same_way(kind: type) -> None:
    ids = kind.available()
    assert ids, kind
    rs = kind.load(ids[0])
    assert isinstance(rs.sources, dict)
    assert all(hasattr(s, "title") for s in rs.sources.values())
    assert isinstance(rs.version, str) and len(rs.version) == 12
    assert kind.load(ids[0]).version == rs.version  # deterministic


def test_a_changed_rule_changes_the_version() -> None:
    rs = TwoHighRules.load("zhuji-2021")
    assert rs.replace(threshold_from_cutoff_tce=1200).version != rs.version
    s = Scheme.load("huangyan-2022")
    assert s.model_copy(update={"note": "edited"}).version != s.version


def test_a_rule_file_of_your_own_loads_by_path(tmp_path: Path) -> None:
    text = (SRC.parents[1] / "factors" / "rules" / "plans" / "zhuji-2021-2023.toml").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace('name_zh = "腾出低效工业用地"', 'name_zh = "腾出工业用地"', 1), encoding="utf-8")
    assert Plan.load(mine).version != Plan.load("zhuji-2021-2023").version


def test_a_preset_id_is_that_preset_on_the_default_rule_set() -> None:
    p = pd.DataFrame({"industry_code": ["C2614"], "built_year": [2019], "energy_tce": [1000.0]})
    r = screen_two_high(p, rules="mee-2021")
    meta = r.attrs["tanfeng"]
    assert (meta["rules"], meta["preset"]) == ("zhuji-2021+mee-2021", "mee-2021")
    assert meta["rules_version"] == TwoHighRules.load("mee-2021").version


def test_an_unknown_rule_set_says_how_to_use_a_preset() -> None:
    with pytest.raises(RuleError, match=r"replace\(sectors='mee-2021'\)"):
        TwoHighRules.load("mee-2099")


def test_results_record_the_rule_set_version() -> None:
    from tanfeng.plans import ZHUJI_2023
    from tanfeng.swap import check

    project = {"id": "P", "sector": "水泥", "product": "水泥熟料", "new_capacity": 4000,
               "capacity_unit": "吨/日", "province": "浙江", "city": "绍兴"}
    cands = pd.DataFrame({"source_id": ["A"], "product": "水泥熟料", "capacity": [5000],
                          "capacity_unit": "吨/日", "closed_on": "2022-01-01"})
    c = check(project, cands, on="2023-05-01")
    assert c.sources.attrs["tanfeng"] == {"rules": "default", "rules_version": SwapRules.load().version}
    assert ZHUJI_2023.version == Plan.load("zhuji-2021-2023").version


def test_class_names_are_unique_across_the_package() -> None:
    names: Counter[str] = Counter()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(n.name for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_"))
    assert [n for n, k in names.items() if k > 1] == []

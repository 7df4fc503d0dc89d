"""Every kind of rule set loads one way: load(id_or_path), available(), .sources, .version."""

from __future__ import annotations

import ast
import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tanfeng._rules import content_version
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


# ------------------------------------------------------------------ .version is the file's hash
DATA = SRC.parents[1] / "factors"


def _sha(path: Path) -> str:
    """SHA-256 of a file's bytes, as ``sha256sum`` prints it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sha_of_files(*paths: Path) -> str:
    """``sha256sum <files sorted by name> | sha256sum``: one line ``<sha>  <name>`` per file."""
    lines = "".join(f"{_sha(p)}  {p.name}\n" for p in sorted(paths, key=lambda p: p.name))
    return hashlib.sha256(lines.encode()).hexdigest()


@pytest.mark.parametrize(("load", "path"), [
    (lambda: TwoHighRules.load("zhuji-2021"), "rules/two_high.toml"),
    (lambda: TwoHighRules.load("mee-2021"), "rules/two_high.toml"),  # a preset of the same file
    (lambda: LowEfficiencyRules.load("zhuji-2021"), "rules/two_high.toml"),
    (lambda: Scheme.load("huangyan-2022"), "rules/per_mu/huangyan-2022.toml"),
    (lambda: ClassRule.load("tiantai-2022-classes"), "rules/per_mu/tiantai-2022-classes.toml"),
    (lambda: Plan.load("zhuji-2021-2023"), "rules/plans/zhuji-2021-2023.toml"),
])
def test_the_version_is_the_hash_of_the_shipped_file(load: Any, path: str) -> None:
    assert load().version == _sha(DATA / path)[:12]


def test_the_version_of_a_rule_set_of_several_files_hashes_them_sorted_by_name() -> None:
    rules = DATA / "rules"
    files = [rules / "capacity_swap.csv", rules / "key_regions.csv", rules / "swap_exclusions.csv"]
    assert SwapRules.load("default").version == _sha_of_files(*files)[:12]
    from tanfeng import FactorSet

    names = ["tce.csv", "combustion.csv", "grid.csv", "sources.csv", "carriers.csv", "regions.csv"]
    assert FactorSet.default().content_hash == _sha_of_files(*(DATA / n for n in names))[:12]


def test_an_edited_file_or_rule_set_has_another_version(tmp_path: Path) -> None:
    shipped = DATA / "rules" / "plans" / "zhuji-2021-2023.toml"
    mine = tmp_path / "zhuji-2021-2023.toml"
    mine.write_bytes(shipped.read_bytes() + "# 注释\n".encode())  # a comment: same rules, another file
    assert Plan.load(mine).version == _sha(mine)[:12] != Plan.load("zhuji-2021-2023").version
    rs = TwoHighRules.load("zhuji-2021")
    assert rs.replace().version == rs.version  # a validated copy, unchanged: still the file's
    changed = rs.replace(threshold_from_cutoff_tce=1200)  # no longer the file: its content's hash
    assert changed.version != rs.version and changed.version == changed.replace().version
    s = Scheme.load("huangyan-2022")
    assert Scheme.load(s.model_dump()).version == content_version(s) != s.version  # no file: the content's hash


def test_results_record_the_file_version() -> None:
    p = pd.DataFrame({"industry_code": ["C2614"], "built_year": [2019], "energy_tce": [1000.0]})
    meta = screen_two_high(p, rules="zhuji-2021").attrs["tanfeng"]
    assert meta["rules_version"] == _sha(DATA / "rules" / "two_high.toml")[:12]
    meta = screen_two_high(p, rules=TwoHighRules.load("zhuji-2021").replace()).attrs["tanfeng"]
    assert meta["rules_version"] == _sha(DATA / "rules" / "two_high.toml")[:12]


def test_a_copy_sent_to_another_process_keeps_the_version() -> None:
    # a dask worker gets a pickled copy and may not have the files: the hash was taken on loading
    import pickle

    from tanfeng import FactorSet

    for rules in (FactorSet.default(), SwapRules.load(), TwoHighRules.load("mee-2021"), Plan.load("zhuji-2021-2023")):
        copy = pickle.loads(pickle.dumps(rules))
        assert copy.version == rules.version

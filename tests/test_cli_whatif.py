"""``tanfeng whatif``: the command reads a candidates sheet, answers, writes the plan workbook.

The instance is the hand-made one of test_whatif.py; the arithmetic is there and repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tanfeng.cells import set_language
from tanfeng.cli import main


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Messages in Chinese here, whatever language an earlier command left set."""
    set_language("zh")
    yield
    set_language("zh")


HAND = pd.DataFrame({"企业名称": ["甲", "甲", "乙", "丙"], "镇乡（街道）": ["店口镇", "店口镇", "陶朱街道", "店口镇"],
                     "类型": ["淘汰", "整治", "淘汰", "整治"], "腾出用能": [900, 400, 600, 500],
                     "减少碳排放": [1800, 800, 1200, 1000], "费用（万元）": [90, 20, 50, 30],
                     "涉及人数": [40, 0, 25, 5], "备注": ["", "", "待定", ""]})


def _sheet(path: Path, name: str) -> pd.DataFrame:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.values)
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_whatif_command_writes_the_least_cost_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "candidates.xlsx", tmp_path / "plan.xlsx"
    HAND.to_excel(src, index=False)
    # 1 200 tce and 2 400 tCO2: 甲整治 + 乙 + 丙 = 1 500 tce, 3 000 tCO2 for 20 + 50 + 30 = 100 万元
    assert main(["whatif", str(src), "--need-tce", "1200", "--need-co2", "2400", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "费用 100.0 万元" in printed and "已证明最优" in printed
    chosen = _sheet(out, "选中行动")
    assert sorted(zip(chosen["企业"], chosen["行动"])) == [("丙", "整治提升"), ("乙", "淘汰落后"), ("甲", "整治提升")]
    every = _sheet(out, "全部候选")
    assert len(every) == 4 and "备注" in every.columns  # the user's own column is kept
    assert _sheet(out, "汇总").set_index("方案").loc["最优方案", "费用（万元）"] == pytest.approx(100.0)


def test_whatif_command_says_what_cannot_be_met(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "candidates.xlsx", tmp_path / "plan.xlsx"
    HAND.to_excel(src, index=False)
    # at most 甲 900 + 乙 600 + 丙 500 = 2 000 tce: 2 500 is short by 500
    assert main(["whatif", str(src), "--need-tce", "2500", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tanfeng: ") and "2,500" in err and "至少缺 500" in err
    assert _sheet(out, "缺口")["至少缺"].tolist() == [pytest.approx(500.0)]


def test_whatif_command_needs_a_target_and_a_valid_objective(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "candidates.csv"
    HAND.to_csv(src, index=False)
    assert main(["whatif", str(src)]) == 1
    assert "--need-tce" in capsys.readouterr().err
    assert main(["whatif", str(src), "--need-tce", "1000", "--objective", "speed"]) == 1
    assert "--objective" in capsys.readouterr().err
    # weights: cost + 0.5 × jobs; 甲整治 + 乙 = 1 000 tce for 70 + 0.5 × 25 = 82.5 (甲淘汰 alone 900 < 1 000)
    assert main(["whatif", str(src), "--need-tce", "1000", "--objective", "cost=1,jobs=0.5"]) == 0
    assert "目标值 82.50" in capsys.readouterr().out


def test_whatif_command_speaks_english_with_lang_en(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "candidates.xlsx"
    HAND.to_excel(src, index=False)
    assert main(["--lang", "en", "whatif", str(src), "--need-tce", "2500"]) == 1
    err = capsys.readouterr().err
    # 2 500 needed, 2 000 at most (900 + 600 + 500): short by 500
    assert "energy freed: 2,500 tce needed" in err and "short by at least 500" in err
    assert main(["whatif", str(src), "--need-tce", "1200", "--lang", "en"]) == 0
    assert "cost 100.0 (10k CNY)" in capsys.readouterr().out

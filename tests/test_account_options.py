"""`AccountOptions` lists exactly the keyword options of `account`, so every caller that passes
them on (`write_statement`, `build_statement`) takes what account takes, no more, no less."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest

import tanfeng
from tanfeng.accounting import AccountOptions


def test_the_options_are_accounts_keyword_parameters() -> None:
    params = inspect.signature(tanfeng.account).parameters.values()
    keywords = {p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert set(AccountOptions.__annotations__) == keywords


def test_the_statement_takes_the_options_and_checks_a_basis(tmp_path: Path) -> None:
    df = pd.DataFrame({"企业": ["甲"], "能源品种": ["原煤"], "消费量": [1000], "计量单位": ["吨"]})
    with pytest.raises(ValueError):
        tanfeng.write_statement(df, tmp_path / "x.md", basis="热值")
    with pytest.raises(TypeError):
        tanfeng.write_statement(df, tmp_path / "x.md", regoin="浙江")
    st = tanfeng.write_statement(df, tmp_path / "x.md", region="浙江", year=2022, co2=False,
                                 substitution_factor="0.3 kgce/kWh")
    # GB/T 2589 附录A: 原煤 0.7143 kgce/kg; 1000 t × 0.7143 = 714.3 tce (当量值 = 等价值 for coal)
    assert st.entities[0].totals["tce_calorific"] == pytest.approx(714.3)
    assert st.entities[0].totals["tce_substitution"] == pytest.approx(714.3)
    assert st.co2 is False and st.arguments["year"] == 2022

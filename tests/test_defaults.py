"""Defaults live in one place (tanfeng.defaults), unit definitions in a data file, the version in pyproject."""

from __future__ import annotations

import ast
import inspect
from importlib import metadata
from pathlib import Path

import tanfeng
from tanfeng import defaults

SRC = Path(__file__).resolve().parents[1] / "src" / "tanfeng"


def test_api_functions_share_the_default_region() -> None:
    from tanfeng.screening import screen_two_high

    for fn in (tanfeng.account, tanfeng.to_co2, screen_two_high):
        assert inspect.signature(fn).parameters["region"].default == defaults.DEFAULT_REGION, fn


def test_the_default_region_is_recorded_in_the_result() -> None:
    import pandas as pd

    r = tanfeng.account(pd.DataFrame({"carrier": ["电力"], "quantity": [1.0], "unit": ["MWh"]}))
    assert r.attrs["tanfeng"]["region"] == defaults.DEFAULT_REGION


def test_the_version_comes_from_the_package_metadata() -> None:
    assert tanfeng.__version__ == metadata.version("tanfeng")
    assert tanfeng.FactorSet.default().version.startswith(tanfeng.__version__ + "+")


def test_factors_does_not_import_the_package_top_level() -> None:
    tree = ast.parse((SRC / "factors.py").read_text(encoding="utf-8"))
    top = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module is None]
    assert top == []


def test_unit_definitions_are_a_pint_file_in_the_data() -> None:
    from tanfeng.units import Q_, definitions_path

    path = definitions_path()
    assert path.name == "units.txt" and path.is_file()
    assert "kgce = 29307.6 * kilojoule" in path.read_text(encoding="utf-8")
    # GB/T 2589: 1 kgce = 7 000 kcal_IT = 7 000 × 4.1868 kJ = 29 307.6 kJ
    assert abs(Q_(1, "kgce").to("kJ").magnitude - 7000 * 4.1868) < 1e-9
    assert "_DEFINITIONS" not in (SRC / "units.py").read_text(encoding="utf-8")


def test_the_wheel_ships_the_factor_folder() -> None:
    text = (SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"factors" = "tanfeng/_data/factors"' in text  # units.txt lives in factors/

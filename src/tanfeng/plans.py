"""Shipped plans, loaded on first use.

* ``ZHUJI_2023`` — 诸暨市新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案（征求意见稿）, its 15
  indicators for 2023 (``factors/rules/plans/zhuji-2021-2023.toml``).
* :func:`load_plan` — a shipped plan by id, or your own county's plan from a TOML file of the same
  shape.

Examples
--------
>>> from tanfeng.plans import ZHUJI_2023
>>> ZHUJI_2023.end, ZHUJI_2023.planning_co2_per_tce
(datetime.date(2023, 12, 31), 2.0)
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .targets import Plan

__all__ = ["ZHUJI_2023", "available", "load_plan"]

#: Module attribute -> shipped plan id.
_SHIPPED = {"ZHUJI_2023": "zhuji-2021-2023"}


def _plans_dir() -> Path:
    from ._resources import data_dir

    return data_dir() / "rules" / "plans"


def available() -> list[str]:
    """Ids of the plans shipped with tanfeng."""
    return sorted(p.stem for p in _plans_dir().glob("*.toml"))


@functools.cache
def _shipped(plan_id: str) -> Plan:
    from .targets import Plan

    return Plan.from_toml(_plans_dir() / f"{plan_id}.toml")


def load_plan(path: str | Path) -> Plan:
    """A plan from a TOML file, or a shipped plan by id (``"zhuji-2021-2023"``).

    Raises `RuleError` (from :meth:`Plan.from_toml`) when the file is invalid, and
    `FileNotFoundError` naming the shipped ids when neither a file nor an id matches.
    """
    from .targets import Plan

    p = Path(path)
    if p.is_file():
        return Plan.from_toml(p)
    if str(path) in available():
        return _shipped(str(path))
    raise FileNotFoundError(f"no plan file {str(path)!r} and no shipped plan of that id; shipped: {available()}")


def __getattr__(name: str) -> Any:
    if name in _SHIPPED:
        return _shipped(_SHIPPED[name])
    raise AttributeError(f"module 'tanfeng.plans' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    ZHUJI_2023: Plan

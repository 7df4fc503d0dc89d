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

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .targets import Plan

__all__ = ["ZHUJI_2023", "available", "load_plan"]

#: Module attribute -> shipped plan id.
_SHIPPED = {"ZHUJI_2023": "zhuji-2021-2023"}


def available() -> list[str]:
    """Ids of the plans shipped with tanfeng (the same as ``Plan.available()``)."""
    from .targets import Plan

    return Plan.available()


def load_plan(path: str | Path) -> Plan:
    """A plan from a TOML file, or a shipped plan by id (``"zhuji-2021-2023"``); see `Plan.load`.

    Raises `RuleError` (from :meth:`Plan.from_toml`) when the file is invalid, and
    `FileNotFoundError` naming the shipped ids when neither a file nor an id matches.
    """
    from .targets import Plan

    if not Path(path).is_file() and str(path) not in available():
        raise FileNotFoundError(f"no plan file {str(path)!r} and no shipped plan of that id; shipped: {available()}")
    return Plan.load(path)


def __getattr__(name: str) -> Any:
    if name in _SHIPPED:
        from .targets import Plan

        return Plan.load(_SHIPPED[name])
    raise AttributeError(f"module 'tanfeng.plans' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    ZHUJI_2023: Plan

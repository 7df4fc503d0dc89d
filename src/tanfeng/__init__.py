"""tanfeng — Chinese industrial energy and carbon accounting (碳峰).

Convert enterprise energy use in any unit to standard coal (tce, 当量值 and 等价值) and CO2 with
cited, versioned factors; flag 两高 projects with reasons; track plan targets; check and plan
capacity/energy swaps (产能置换, 能耗替代); rank enterprises by 亩均论英雄.

Nothing heavy is imported here: each public name is loaded on first use.

Examples
--------
>>> import tanfeng
>>> tanfeng.to_tce(1000, "t", "原煤")
<Quantity(714.3, 'tce')>
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> (module, attribute)
_LAZY: dict[str, tuple[str, str]] = {
    # units
    "Q_": ("units", "Q_"),
    "format_zh": ("units", "format_zh"),
    "parse_unit": ("units", "parse_unit"),
    # carriers and factors
    "resolve_carrier": ("carriers", "resolve"),
    "Carrier": ("carriers", "Carrier"),
    "FactorSet": ("factors", "FactorSet"),
    "Factor": ("factors", "Factor"),
    # accounting
    "to_tce": ("accounting", "to_tce"),
    "to_co2": ("accounting", "to_co2"),
    "account": ("accounting", "account"),
    "explain": ("accounting", "explain"),
    "summarize": ("accounting", "summarize"),
    "problems": ("accounting", "problems"),
    "steam_heat": ("accounting", "steam_heat"),
    # screening
    "screen_two_high": ("screening", "screen_two_high"),
    "screen_low_efficiency": ("screening", "screen_low_efficiency"),
    "summarize_screening": ("screening", "summarize_screening"),
    # swap
    "check_swap": ("swap", "check"),
    "plan_swap": ("swap", "plan"),
    "Ledger": ("swap", "Ledger"),
    # targets
    "Plan": ("targets", "Plan"),
    "Indicator": ("targets", "Indicator"),
    "Tracker": ("targets", "Tracker"),
    "intensity_decline": ("targets", "intensity_decline"),
    "whatif": ("targets", "whatif"),
    # 亩均
    "evaluate_per_mu": ("per_mu", "evaluate"),
    "low_tax_per_mu": ("per_mu", "low_tax_per_mu"),
    # files and sample data
    "read_records": ("io", "read_records"),
    "write_report_xlsx": ("io", "write_report_xlsx"),
    "write_statement": ("statement", "write_statement"),
    "zhuji_sample": ("datasets", "zhuji_sample"),
    # errors
    "TanfengError": ("errors", "TanfengError"),
    "UnitError": ("errors", "UnitError"),
    "UnknownCarrierError": ("errors", "UnknownCarrierError"),
    "UnknownNameError": ("errors", "UnknownNameError"),
    "FactorNotFoundError": ("errors", "FactorNotFoundError"),
    "InputError": ("errors", "InputError"),
    "RuleError": ("errors", "RuleError"),
    "FactorFallbackWarning": ("errors", "FactorFallbackWarning"),
}

_SUBMODULES = {
    "units", "carriers", "regions", "factors", "accounting", "screening", "swap", "targets",
    "plans", "per_mu", "plotting", "io", "statement", "datasets", "testing", "errors", "cli", "industries",
    "defaults", "resolver",
}

__all__ = sorted([*_LAZY, "ureg", "__version__"])


def __getattr__(name: str) -> Any:
    if name == "__version__":  # from the package metadata: pyproject.toml is the one place
        from ._resources import package_version

        return package_version()
    if name == "ureg":
        from .units import get_registry

        return get_registry()
    if name in _LAZY:
        mod, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{mod}", __name__), attr)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tanfeng' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})


from . import _accessor

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .accounting import account, problems, steam_heat, summarize, to_co2, to_tce
    from .carriers import Carrier
    from .carriers import resolve as resolve_carrier
    from .errors import (
        FactorFallbackWarning,
        FactorNotFoundError,
        InputError,
        RuleError,
        TanfengError,
        UnitError,
        UnknownCarrierError,
        UnknownNameError,
    )
    from .factors import Factor, FactorSet
    from .statement import write_statement
    from .units import Q_, format_zh, parse_unit

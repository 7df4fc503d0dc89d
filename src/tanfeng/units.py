"""Units as Chinese energy statistics write them.

tanfeng keeps one private :class:`pint.UnitRegistry` (never pint's application registry), built
on first use with pint's on-disk definition cache. On top of pint's defaults it loads the
definitions file ``factors/units.txt`` (`definitions_path`), which defines

* standard coal per GB/T 2589: ``kgce`` = 29 307.6 kJ (7 000 kcal_IT), ``tce``, ``gce`` and
  the Chinese names 吨标准煤, 吨标煤, 千克标准煤 …;
* CO2 and carbon as dimensions of their own (``tCO2``, ``kgCO2``, 吨二氧化碳; ``tC``) so that
  tonnes of coal and tonnes of CO2 never add;
* money (``yuan``, 元) and land (亩 = 10 000/15 m², 公顷) for the 亩均 indicators;
* 万 (1e4), 亿 (1e8) and 百万 (1e6) as prefixes and as bare words;
* Chinese unit names (吨, 千克, 公斤, 千瓦时, 度, 立方米, 方, 标准立方米, 吉焦, 兆焦, 千卡, 大卡 …).

A preprocessor normalises what people actually type before pint parses it: full-width digits and
letters, ``m3``/``m³``/``Nm3``, ``10^4m3``, ``万kWh`` and ``万 千瓦时``. ``kcal`` means the
International Table calorie (4.1868 J) as in GB/T 2589, not pint's thermochemical calorie.

A unit conversion is physics; a factor is a document. Converting tonnes of coal to tce is never
a unit conversion here: it goes through a cited factor (:mod:`tanfeng.factors`).
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._resources import build_once
from .errors import UnitError

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = [
    "MEASURES",
    "Q_",
    "UNITS_FILE",
    "check_dimension",
    "definitions_path",
    "format_zh",
    "get_registry",
    "normalize_unit_text",
    "parse_unit",
    "unit_factor",
]

#: File of the definitions added to pint's defaults (``factors/units.txt``, in the wheel).
UNITS_FILE = "units.txt"


def definitions_path() -> Path:
    """The pint definitions file tanfeng loads on top of pint's defaults."""
    from ._resources import data_dir

    return data_dir() / UNITS_FILE


# Names offered as suggestions when a unit is not understood.
_COMMON = [
    "t", "kg", "万t", "kWh", "MWh", "GWh", "万kWh", "亿kWh", "m3", "万m3", "亿m3", "GJ", "MJ", "TJ",
    "kcal", "tce", "kgce", "万tce", "tCO2", "万tCO2", "yuan", "万元", "mu", "L",
    "吨", "千克", "公斤", "万吨", "千瓦时", "度", "万千瓦时", "亿千瓦时", "立方米", "方", "万立方米",
    "标准立方米", "吉焦", "兆焦", "百万千焦", "千卡", "大卡", "吨标准煤", "吨标煤", "万吨标准煤",
    "千克标准煤", "吨二氧化碳", "万吨二氧化碳", "元", "万元", "亩", "公顷",
]

#: Dimension each carrier measure must have (see ``carriers.csv``'s ``measure`` column).
MEASURES: dict[str, str] = {
    "mass": "[mass]",
    "volume": "[length] ** 3",
    "electricity": "[energy]",
    "heat": "[energy]",
    "energy": "[energy]",
    "co2": "[carbon_dioxide]",
    "money": "[currency]",
    "area": "[length] ** 2",
}

_MEASURE_ZH = {
    "mass": "质量 (t, kg, 万吨 …)",
    "volume": "体积 (m3, 万m3, 亿立方米 …)",
    "electricity": "电量 (kWh, 万kWh, MWh …)",
    "heat": "热量 (GJ, MJ, 百万千焦 …)",
    "energy": "能量 (GJ, tce, kWh …)",
}

_MAGNITUDE = re.compile(r"(百万|千万|万|亿)\s*([^\s\d*/()^.,][^\s*/()^]*)")
_CUBIC = re.compile(r"(?<![A-Za-z_])N?m\s*(?:\^|\*\*)?\s*3(?![0-9])")
_SQUARE = re.compile(r"(?<![A-Za-z_])m\s*(?:\^|\*\*)\s*2(?![0-9])|(?<![A-Za-z_])m2(?![0-9])")
_CAL = re.compile(r"(?<![A-Za-z_])([kMG]?)cal(?![A-Za-z_])")
_POW10 = re.compile(r"10\s*(?:\^|\*\*)\s*([48])")
_MIDDOT = re.compile(r"[·•⋅]")
_WATT_HOUR = re.compile(r"(千瓦|兆瓦|吉瓦|万千瓦|瓦)\s*[·•⋅*]\s*(?:小)?时")


def normalize_unit_text(text: str) -> str:
    """Rewrite a unit (or quantity) string the way pint can parse it.

    Full-width characters are folded (NFKC), ``m3``/``m³``/``Nm3`` become ``m**3``,
    ``10^4`` becomes 万, ``kcal`` becomes the International Table kilocalorie, and a magnitude
    word (万, 亿, 百万) before a unit becomes a factor (``万kWh`` -> ``(万 * kWh)``).

    Examples
    --------
    >>> normalize_unit_text("１万 千瓦时")
    '1(万 * 千瓦时)'
    >>> normalize_unit_text("GJ/10^4Nm3")
    'GJ/(万 * m**3)'
    """
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = _WATT_HOUR.sub(r"\1时", s)  # 千瓦·时 is 千瓦时, not 千瓦 × 时
    s = _MIDDOT.sub("*", s)
    s = _POW10.sub(lambda m: "万" if m.group(1) == "4" else "亿", s)
    s = _MAGNITUDE.sub(lambda m: f"({m.group(1)} * {m.group(2)})", s)
    s = _CUBIC.sub("m**3", s)
    s = _SQUARE.sub("m**2", s)
    s = _CAL.sub(lambda m: m.group(1) + "cal_it", s)
    return re.sub(r"\s+", " ", s).strip()


def _cache_folder() -> str | None:
    env = os.environ.get("TANFENG_UNIT_CACHE")
    if env is not None:
        return env or None  # empty string disables the cache
    return ":auto:"


#: Longest unit (or quantity) text parsed; longer text is ``unit_unparsable`` without parsing.
MAX_UNIT_CHARS = 64
# A power is allowed on a unit (m^3, m**-1) with a one-digit exponent, and as a magnitude 10^4 /
# 10^8; any other power (9**9**9) could make pint compute for ever and is refused.
_UNIT_POWER = re.compile(r"(?<=[^\W\d_)])\s*(?:\*\*|\^)\s*-?[0-9](?![0-9.])|(?<![0-9.])10\s*(?:\*\*|\^)\s*[48](?![0-9.])")


def check_unit_text(text: str) -> None:
    """Refuse, in constant time, unit text that is too long or holds a power that is not a plain
    exponent (``m^3``) or magnitude (``10^4m3``): `UnitError` with code ``unit_unparsable``.

    Examples
    --------
    >>> check_unit_text("10^4m3"); check_unit_text("m^3")
    >>> check_unit_text("9**9**9 t")
    Traceback (most recent call last):
    tanfeng.errors.UnitError: unit '9**9**9 t': holds a power other than a unit exponent (m^3) or magnitude (10^4).
    """
    if len(text) > MAX_UNIT_CHARS:
        raise UnitError(text[:MAX_UNIT_CHARS] + "…", f"is longer than {MAX_UNIT_CHARS} characters", code="unit_unparsable")
    rest = _UNIT_POWER.sub("", unicodedata.normalize("NFKC", text))
    if "**" in rest or "^" in rest:
        raise UnitError(text, "holds a power other than a unit exponent (m^3) or magnitude (10^4)", code="unit_unparsable")


def _bounded_registry_class() -> type:
    import pint

    class BoundedRegistry(pint.UnitRegistry):
        """pint's registry whose parsing of user text is bounded and raises `UnitError`."""

        def parse_expression(self, input_string: str, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(input_string, str):
                return super().parse_expression(input_string, *args, **kwargs)
            check_unit_text(input_string)
            try:
                return super().parse_expression(input_string, *args, **kwargs)
            except UnitError:
                raise
            except Exception as exc:  # pint raises several types (UndefinedUnitError, …)
                raise _unit_error(input_string, exc) from exc

        __call__ = parse_expression

    return BoundedRegistry


@build_once
def get_registry() -> pint.UnitRegistry:
    """The private unit registry, built on first use (pint's disk cache makes later builds fast).

    Built once under a lock (threads calling it together share one registry); a failed build is
    not cached. Set the environment variable ``TANFENG_UNIT_CACHE`` to a folder to move the
    cache, or to an empty string to disable it.
    """
    registry = _bounded_registry_class()
    reg: pint.UnitRegistry
    try:
        reg = registry(cache_folder=_cache_folder(), preprocessors=[normalize_unit_text])
    except OSError:  # read-only home: build without the cache
        reg = registry(cache_folder=None, preprocessors=[normalize_unit_text])
    reg.load_definitions(str(definitions_path()))
    reg.formatter.default_format = "~P"
    return reg


def Q_(value: Any, unit: str | pint.Unit | None = None) -> pint.Quantity:
    """Make a Quantity in tanfeng's registry; ``Q_("1.229 万吨标准煤")`` parses a whole string.

    Examples
    --------
    >>> Q_(1, "万kWh").to("kWh").magnitude
    10000.0
    """
    reg = get_registry()
    if unit is None:
        if isinstance(value, str):
            try:
                return reg.Quantity(value)
            except Exception as exc:  # pint raises several types
                raise _unit_error(value, exc) from exc
        return reg.Quantity(value)
    return reg.Quantity(value, parse_unit(unit) if isinstance(unit, str) else unit)


def _unit_error(text: str, exc: Exception | None = None) -> UnitError:
    norm = normalize_unit_text(text)
    pool = _COMMON
    suggestions = difflib.get_close_matches(str(text), pool, n=3, cutoff=0.4)
    if not suggestions:
        suggestions = difflib.get_close_matches(norm, pool, n=3, cutoff=0.4)
    reason = "is not a unit tanfeng understands"
    if exc is not None and type(exc).__name__ == "DimensionalityError":
        reason = "mixes quantities that cannot be added (e.g. tonnes and tCO2)"
    return UnitError(str(text), reason, suggestions)


@functools.lru_cache(maxsize=4096)
def _parse_unit_cached(text: str) -> pint.Unit:
    check_unit_text(text)
    reg = get_registry()
    try:
        q = reg.parse_expression(text)
    except Exception as exc:
        raise _unit_error(text, exc) from exc
    if not isinstance(q, reg.Quantity):  # a bare number
        raise UnitError(text, "is a number, not a unit", difflib.get_close_matches(text, _COMMON, 3, 0.4))
    if q.magnitude != 1:
        # "万 kWh" parses as Quantity(1, 万*kWh); a string like "12 kWh" carries a number.
        raise UnitError(text, "contains a number; give the unit alone (e.g. 'kWh')")
    return q.units  # type: ignore[return-value]


def parse_unit(text: str | pint.Unit) -> pint.Unit:
    """Parse a unit string (Chinese or English, full-width allowed) into a pint Unit.

    Raises
    ------
    UnitError
        If the string is empty or not a unit; the message suggests close spellings.

    Examples
    --------
    >>> parse_unit("万千瓦时")
    <Unit('wan * 千瓦时')>
    >>> unit_factor("万千瓦时", "kWh")
    10000.0
    """
    if not isinstance(text, str):
        return text
    if not text.strip():
        raise UnitError(text, "is empty")
    return _parse_unit_cached(text.strip())


@functools.lru_cache(maxsize=4096)
def unit_factor(src: str, dst: str) -> float:
    """Number that converts a magnitude in ``src`` into ``dst`` (``unit_factor('万kWh', 'kWh') == 1e4``).

    Raises `UnitError` when the dimensions differ.
    """
    reg = get_registry()
    a, b = parse_unit(src), parse_unit(dst)
    try:
        return float(reg.Quantity(1.0, a).to(b).magnitude)
    except Exception as exc:
        raise UnitError(src, f"cannot be converted to {dst!r} (different dimension)") from exc


def check_dimension(unit: str | pint.Unit, measure: str) -> bool:
    """True if ``unit`` has the dimension of ``measure`` (``mass``, ``volume``, ``electricity``, ``heat`` …)."""
    u = parse_unit(unit)
    return bool(u.dimensionality == get_registry().get_dimensionality(MEASURES[measure]))


def measure_hint(measure: str) -> str:
    """Chinese/English hint of the units a measure takes (used in error messages)."""
    return _MEASURE_ZH.get(measure, measure)


def measure_name(measure: str) -> str:
    """The Chinese name of a measure (``"mass"`` -> ``"质量"``), for messages.

    Examples
    --------
    >>> measure_name("mass"), measure_name("electricity")
    ('质量', '电量')
    """
    return _MEASURE_ZH.get(measure, measure).split(" (")[0]


_ZH_NAMES: list[tuple[str, str]] = [
    ("tce", "吨标准煤"),
    ("kgce", "千克标准煤"),
    ("tCO2", "吨二氧化碳"),
    ("kgCO2", "千克二氧化碳"),
    ("t", "吨"),
    ("kg", "千克"),
    ("kWh", "千瓦时"),
    ("MWh", "兆瓦时"),
    ("m**3", "立方米"),
    ("GJ", "吉焦"),
    ("MJ", "兆焦"),
    ("yuan", "元"),
    ("mu", "亩"),
    ("hectare", "公顷"),
]


def format_zh(q: pint.Quantity, digits: int = 4, unit: str | None = None) -> str:
    """Format a Quantity the way a Chinese report writes it, with 万/亿 for large numbers.

    Parameters
    ----------
    q : pint.Quantity
        The quantity.
    digits : int
        Significant digits.
    unit : str, optional
        Convert to this unit first (e.g. ``"tce"``).

    Examples
    --------
    >>> format_zh(Q_(12290, "tce"))
    '1.229 万吨标准煤'
    >>> format_zh(Q_(3.5e8, "kWh"))
    '3.5 亿千瓦时'
    """
    reg = get_registry()
    if unit is not None:
        q = q.to(parse_unit(unit))
    value = float(q.magnitude)
    name = None
    for ascii_name, zh in _ZH_NAMES:
        try:
            if q.units == reg.parse_units(ascii_name):
                name = zh
                break
        except Exception:  # pragma: no cover - every name above parses
            continue
    if name is None:
        name = f"{q.units:~P}"
    prefix = ""
    if math.isfinite(value):
        if abs(value) >= 1e8:
            value, prefix = value / 1e8, "亿"
        elif abs(value) >= 1e4:
            value, prefix = value / 1e4, "万"
    return f"{value:.{digits}g} {prefix}{name}"

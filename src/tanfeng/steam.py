"""Steam and hot water to delivered heat (GJ) by enthalpy, as the industry accounting guidelines do.

The 核算指南 count purchased steam by the heat it carries above 20 ℃ feedwater
(``shared/reference/steam-heat.md`` §1, three public implementations agree):

* steam (saturated or superheated): heat (GJ) = mass (t) × (h − 83.74 kJ/kg) × 10⁻³, with h the
  specific enthalpy of the steam — saturated steam from its pressure alone, superheated from
  pressure and temperature. tanfeng takes h from IAPWS-IF97 (the ``iapws`` package), the
  formulation printed steam tables are computed from;
* hot water: heat (GJ) = mass (t) × (T − 20 ℃) × 4.1868 × 10⁻³.

Pressure is **absolute**, as in the guidelines' steam tables (1.0 MPa pairs with 179.88 ℃); a
gauge reading is written ``"0.9 MPa(g)"`` or ``"表压0.9MPa"`` and gets one standard atmosphere
added. Steam with no pressure is taken at :data:`DEFAULT_STEAM_PRESSURE`, and the caller is told.

The IAPWS-IF97 call is made once per distinct (pressure, temperature) pair (:func:`steam_heat_per_tonne`
takes arrays), never once per row.

Examples
--------
>>> round(float(steam_heat_per_tonne(1.0)[0]), 4)        # (2777.12 − 83.74) / 1000 GJ/t
2.6934
>>> round(float(hot_water_heat_per_tonne(80.0)[0]), 6)     # (80 − 20) × 4.1868e-3
0.251208
>>> parse_pressure("0.9 MPa(g)")                            # gauge + 0.101325
1.001325
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import TanfengError

__all__ = [
    "ATMOSPHERE_MPA",
    "DEFAULT_STEAM_PRESSURE",
    "FEEDWATER_ENTHALPY",
    "HOT_WATER_REFERENCE_C",
    "WATER_SPECIFIC_HEAT",
    "SteamInputError",
    "hot_water_heat_per_tonne",
    "parse_pressure",
    "parse_temperature",
    "steam_enthalpy",
    "steam_heat_per_tonne",
]

#: Enthalpy of the 20 ℃ feedwater the guidelines subtract, kJ/kg (20 × 4.1868 = 83.736 ≈ 83.74;
#: steam-heat.md §1, S×3).
FEEDWATER_ENTHALPY = 83.74
#: Specific heat of water for hot water, kJ/(kg·K) (steam-heat.md §1; = 1 kcal_IT/(kg·K)).
WATER_SPECIFIC_HEAT = 4.1868
#: Reference (return / ambient) temperature of hot water, ℃ (steam-heat.md §1).
HOT_WATER_REFERENCE_C = 20.0
#: Added to a gauge pressure to make it absolute: one standard atmosphere, MPa.
ATMOSPHERE_MPA = 0.101325
#: Steam with no stated pressure: saturated at 1.0 MPa absolute, the worked example of
#: steam-heat.md §1 (2.693 GJ/t by the guidelines' table; a common low-pressure supply grade).
#: Saturated heat varies little with pressure (0.5–1.6 MPa: 2.664–2.710 GJ/t), so the error of
#: the default for unknown saturated steam is about ±1 %; give the pressure when it is known.
DEFAULT_STEAM_PRESSURE = 1.0

_MAX_PRESSURE = 100.0  # MPa, the range of IAPWS-IF97
_MAX_TEMPERATURE = 800.0  # ℃, IAPWS-IF97 regions 1-3
_GAUGE = re.compile(r"\(g\)|（g）|\bg\b|表压|gauge|MPag|barg|kPag", re.IGNORECASE)
_ABSOLUTE = re.compile(r"\(a\)|（a）|绝压|绝对压力|absolute|MPaa|bara", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PRESSURE_UNITS = {"mpa": 1.0, "兆帕": 1.0, "kpa": 1e-3, "千帕": 1e-3, "bar": 0.1, "巴": 0.1, "pa": 1e-6}


class SteamInputError(TanfengError, ValueError):
    """A pressure or temperature that cannot describe steam or hot water; the message says why."""


def parse_pressure(value: Any) -> float:
    """Absolute pressure in MPa from ``"1.0 MPa"``, ``"0.9 MPa(g)"``, ``"表压0.9MPa"``, ``"800 kPa"``.

    A bare number is MPa absolute. Gauge readings (``(g)``, 表压, ``MPag``) get
    :data:`ATMOSPHERE_MPA` added.

    Examples
    --------
    >>> parse_pressure("1.0 MPa"), parse_pressure(1.0), parse_pressure("表压 0.9 MPa")
    (1.0, 1.0, 1.001325)
    >>> parse_pressure("10 bar")
    1.0
    """
    if hasattr(value, "units") and hasattr(value, "magnitude"):
        return _check_pressure(float(value.to("MPa").magnitude), value)
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return _check_pressure(float(value), value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    nums = _NUMBER.findall(text)
    if len(nums) != 1:
        raise SteamInputError(f"pressure {value!r}: write one number with its unit, e.g. '1.0 MPa' or '0.9 MPa(g)'")
    gauge = bool(_GAUGE.search(text))
    if gauge and _ABSOLUTE.search(text):
        raise SteamInputError(f"pressure {value!r} says both gauge and absolute")
    rest = _GAUGE.sub("", _ABSOLUTE.sub("", text.replace(nums[0], " "))).strip().lower().replace(" ", "")
    rest = rest.removesuffix("(").removesuffix("（")
    scale = 1.0 if not rest else _PRESSURE_UNITS.get(rest.strip("()（）"))
    if scale is None:
        raise SteamInputError(f"pressure {value!r}: unit {rest!r} not understood; use MPa, kPa or bar")
    p = float(nums[0]) * scale + (ATMOSPHERE_MPA if gauge else 0.0)
    return _check_pressure(round(p, 9), value)


def _check_pressure(p: float, raw: Any) -> float:
    if not math.isfinite(p) or p <= 0 or p > _MAX_PRESSURE:
        raise SteamInputError(f"pressure {raw!r} = {p:g} MPa (absolute) is outside 0–{_MAX_PRESSURE:g} MPa")
    return p


def parse_temperature(value: Any) -> float:
    """Temperature in ℃ from ``"200 ℃"``, ``"200°C"``, ``"200度"`` or a bare number (℃).

    Examples
    --------
    >>> parse_temperature("200 ℃"), parse_temperature(85), parse_temperature("473.15 K")
    (200.0, 85.0, 200.0)
    """
    if hasattr(value, "units") and hasattr(value, "magnitude"):
        t = float(value.to("degC").magnitude)
    elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        t = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        nums = _NUMBER.findall(text)
        if len(nums) != 1:
            raise SteamInputError(f"temperature {value!r}: write one number, e.g. '200 ℃'")
        rest = text.replace(nums[0], "").strip().lower().replace(" ", "")
        if rest in ("", "℃", "°c", "oc", "c", "度", "摄氏度", "°"):
            t = float(nums[0])
        elif rest == "k":
            t = float(nums[0]) - 273.15
        else:
            raise SteamInputError(f"temperature {value!r}: unit {rest!r} not understood; use ℃")
    if not math.isfinite(t) or t < -50 or t > _MAX_TEMPERATURE:
        raise SteamInputError(f"temperature {value!r} = {t:g} ℃ is outside −50–{_MAX_TEMPERATURE:g} ℃")
    return round(t, 9)


def _enthalpy_one(p: float, t: float) -> float:
    from iapws import IAPWS97

    sat = IAPWS97(P=p, x=1) if p < 22.064 else None
    if math.isnan(t):
        if sat is None:
            raise SteamInputError(f"{p:g} MPa is above the critical pressure: give the steam's temperature")
        return float(sat.h)
    tk = t + 273.15
    if sat is not None and tk < sat.T - 0.05:
        raise SteamInputError(
            f"{t:g} ℃ at {p:g} MPa (absolute) is below the saturation temperature {sat.T - 273.15:.2f} ℃: "
            "that is water, not steam — check whether the pressure is gauge (write '(g)') or the row is hot water")
    if sat is not None and tk <= sat.T + 0.05:
        return float(sat.h)
    return float(IAPWS97(P=p, T=tk).h)


def steam_enthalpy(pressure: Iterable[float] | float, temperature: Iterable[float] | float | None = None) -> np.ndarray:
    """Specific enthalpy of steam, kJ/kg (IAPWS-IF97), for absolute pressures in MPa.

    ``temperature`` (℃; NaN or None = saturated) makes the steam superheated. One IAPWS-IF97
    evaluation per distinct (pressure, temperature) pair.

    Examples
    --------
    >>> steam_enthalpy([1.0, 1.0], [float("nan"), 200.0]).round(1).tolist()
    [2777.1, 2828.3]
    """
    p = np.atleast_1d(np.asarray(pressure, dtype=float))
    t = np.full(p.shape, np.nan) if temperature is None else np.atleast_1d(np.asarray(temperature, dtype=float))
    p, t = np.broadcast_arrays(p, t)
    pairs = np.stack([p, np.where(np.isnan(t), -1e9, t)], axis=1)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    h = np.array([_enthalpy_one(pp, math.nan if tt == -1e9 else tt) for pp, tt in uniq])
    return h[inv.reshape(-1)]


def steam_heat_per_tonne(pressure: Iterable[float] | float,
                         temperature: Iterable[float] | float | None = None) -> np.ndarray:
    """Delivered heat per tonne of steam, GJ/t: (h − :data:`FEEDWATER_ENTHALPY`) × 10⁻³."""
    return (steam_enthalpy(pressure, temperature) - FEEDWATER_ENTHALPY) * 1e-3


def hot_water_heat_per_tonne(temperature: Iterable[float] | float) -> np.ndarray:
    """Delivered heat per tonne of hot water, GJ/t: (T − 20 ℃) × 4.1868 × 10⁻³."""
    t = np.atleast_1d(np.asarray(temperature, dtype=float))
    if np.isnan(t).any():
        raise SteamInputError("hot water needs its temperature (e.g. '80 ℃')")
    if (t <= HOT_WATER_REFERENCE_C).any():
        raise SteamInputError(f"hot water at or below {HOT_WATER_REFERENCE_C:g} ℃ delivers no heat by the guideline's formula")
    return (t - HOT_WATER_REFERENCE_C) * WATER_SPECIFIC_HEAT * 1e-3

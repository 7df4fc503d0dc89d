"""Gas volumes at their reference conditions: standard (0 ℃) and billing (20 ℃) cubic metres.

The default natural-gas factors are per volume at the **standard reference condition** of the
industry accounting guidelines, 0 ℃ and 101.325 kPa (标准状况, ``shared/reference/steam-heat.md``
§4); gas is billed at 20 ℃, 101.325 kPa (GB/T 19205). At equal pressure an ideal gas's volume
scales with absolute temperature, so a 20 ℃ volume is V₀ = V₂₀ × 273.15 / 293.15 = 0.93178 V₂₀;
applying a per-Nm³ factor to an unconverted 20 ℃ bill overstates by 7.3 %.

What tanfeng reads:

* ``Nm3``, ``Nm³``, ``标方``, ``标准立方米`` — standard (0 ℃) volume, used as it is;
* ``万m³(20℃)``, ``m3(20°C)`` — a volume at the temperature in the brackets, converted;
* a ``temperature`` column on a gas row — the temperature its volume was metered at, converted;
* a **bare** ``m³`` / ``立方米`` / ``方`` — taken as standard volume, *not* converted. That is what
  the factor tables state (per 10⁴ Nm³) and what statistical practice does when it multiplies
  reported 万立方米 by 12.143 tce/万m³; converting silently would make tanfeng's 能耗 disagree
  with the enterprise's 205-1 return. If your figure is a 20 ℃ bill, say so in the unit.

Examples
--------
>>> split_reference_temperature("万m³(20℃)")
('万m3', 20.0)
>>> round(reference_volume_factor(20.0), 5)
0.93178
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["REFERENCE_TEMPERATURE_C", "reference_volume_factor", "split_reference_temperature"]

#: Reference temperature of the default gas factors, ℃ (标准状况 0 ℃, 101.325 kPa; steam-heat.md §4).
REFERENCE_TEMPERATURE_C = 0.0
#: 0 ℃ in kelvin (definition of the Celsius scale).
_ZERO_C_K = 273.15
_BRACKET = re.compile(r"\s*[(（\[]\s*([-+]?\d+(?:\.\d+)?)\s*(?:℃|°C|°c|度|摄氏度|°|C)\s*[)）\]]\s*$")


def split_reference_temperature(unit: str) -> tuple[str, float | None]:
    """``"万m³(20℃)"`` -> ``("万m³", 20.0)``; a unit without a bracketed temperature is returned as is."""
    text = unicodedata.normalize("NFKC", str(unit))
    m = _BRACKET.search(text)
    if m is None:
        return str(unit), None
    return text[: m.start()].strip(), float(m.group(1))


def reference_volume_factor(temperature_c: float) -> float:
    """Standard volume per unit of volume metered at ``temperature_c`` (equal pressure):
    (273.15 + 0) / (273.15 + T)."""
    t = float(temperature_c)
    if not -60.0 <= t <= 100.0:
        raise ValueError(f"gas metering temperature {t:g} ℃ is outside −60–100 ℃")
    return (_ZERO_C_K + REFERENCE_TEMPERATURE_C) / (_ZERO_C_K + t)

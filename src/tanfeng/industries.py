"""GB/T 4754-2017 industry codes (国民经济行业分类): normalise, look up, suggest.

Codes arrive as ``2614``, ``"C2614"``, ``"２６１４"``, ``"2614 有机化学原料制造"``, ``2614.0`` (from
Excel), a 3-digit group (``"261"``) or a 2-digit division (``"26"``). :func:`parse` turns each
into the bare digits and checks it against ``factors/industries.csv``; :func:`normalize`
does the same for a whole column, resolving each distinct value once.

The table lists every section (门类) and division (大类), and every group (中类) and class
(小类) of sections C (制造业) and D (电力、热力、燃气及水生产和供应业). A class of another section
is accepted as well-formed but has no name (``confidence="not_in_table"``); a code of sections
C or D that is not in the table is unknown, and the closest real codes are suggested.

Examples
--------
>>> from tanfeng import industries
>>> industries.parse("C2614").code
'2614'
>>> industries.name("１７１３")
'棉印染精加工'
>>> industries.suggest("2699")
['2689', '2684', '2683']
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._resources import data_dir, normalize_name
from .cells import REASONS as _REASONS
from .errors import UnknownNameError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "REASONS",
    "Industry",
    "ParsedCode",
    "UnknownIndustryError",
    "lookup",
    "name",
    "normalize",
    "parse",
    "suggest",
    "table",
]

#: Reason codes of :class:`ParsedCode` and of `normalize`'s ``reason`` column: the kernel's
#: registry (`tanfeng.cells.REASONS`), each with its Chinese and English message.
REASONS = _REASONS


def _msg(code: str, detail: str = "") -> str:
    """The message of ``code`` in the user's language, with what was found."""
    return REASONS[code].message() + (f": {detail}" if detail else "")


_CODE_RE = re.compile(r"^\(?([A-Ta-t])?\s*[-_.]?\s*(\d{1,4})(?:\.0+)?\)?(?:\s*[-_:：、.]?\s*(.*))?$")


class UnknownIndustryError(UnknownNameError):
    """An industry code that is not in GB/T 4754-2017 (as tanfeng's table knows it)."""

    kind = "industry"

    def __init__(self, code: object, reason: str, suggestions: Sequence[str] = ()) -> None:
        self.code = code
        self.reason = reason
        super().__init__(code, suggestions)

    def __str__(self) -> str:
        msg = f"industry code {self.code!r}: {REASONS[self.reason].message() if self.reason in REASONS else self.reason}."
        if self.suggestions:
            msg += " Closest codes: " + ", ".join(_label(c) for c in self.suggestions) + "."
        return msg + " See tanfeng.industries.table()."


@dataclass(frozen=True)
class Industry:
    """One row of the code table."""

    code: str
    name_zh: str | None
    level: str          # section | division | group | class
    parent: str
    division: str
    section: str
    confidence: str     # secondary | unverified | not_in_table


@dataclass(frozen=True)
class ParsedCode:
    """The result of :func:`parse`: ``code`` is ``None`` when ``reason`` is set."""

    raw: object
    code: str | None
    reason: str = ""
    message: str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reason


@functools.cache
def table() -> pd.DataFrame:
    """The code table (``factors/industries.csv``), indexed by code. Treat it as read-only.

    Columns: ``name_zh``, ``level``, ``parent``, ``source``, ``confidence``, ``note``.
    """
    import pandas as pd

    t = pd.read_csv(data_dir() / "industries.csv", dtype=str, keep_default_na=False)
    return t.set_index("code", drop=False)


@functools.cache
def _index() -> dict[str, Any]:
    t = table()
    codes = set(t.index)
    divisions = t.index[t["level"] == "division"]
    section_of = {d: t.at[d, "parent"] for d in divisions}
    listed = {p[:2] for p in t.index[t["level"].isin(["group", "class"])]}  # divisions with classes
    by_name: dict[str, list[str]] = {}
    for code, nm in zip(t.index, t["name_zh"]):
        if code.isdigit():
            by_name.setdefault(normalize_name(nm), []).append(code)
    return {"codes": codes, "section_of": section_of, "listed": listed, "by_name": by_name,
            "names": {normalize_name(n): n for n in t["name_zh"]}}


def _label(code: str) -> str:
    t = table()
    return f"{code} {t.at[code, 'name_zh']}" if code in t.index else code


def _digits(raw: object) -> tuple[str | None, str | None, str]:
    """(section letter, digits, trailing text) of a raw value, or (None, None, text)."""
    if isinstance(raw, bool):
        return None, None, str(raw)
    if not isinstance(raw, str) and (isinstance(raw, int | float) or type(raw).__module__ == "numpy"):
        try:
            f = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None, None, str(raw)
        if math.isnan(f) or f != int(f) or f < 0:
            return None, None, str(raw)
        return None, _pad_numeric(int(f)), ""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    m = _CODE_RE.match(text)
    if not m:
        return None, None, text
    letter, digits, rest = m.group(1), m.group(2), (m.group(3) or "").strip()
    if rest[:1].isdigit():
        return None, None, text
    if len(digits) == 1 or (len(digits) == 3 and digits not in _index()["codes"]
                            and "0" + digits in _index()["codes"]):
        digits = "0" + digits  # numbers typed for 0x codes lose their leading zero
    return (letter.upper() if letter else None), digits, rest


def _pad_numeric(n: int) -> str:
    s = str(n)
    if len(s) == 1:
        return "0" + s
    if len(s) == 3 and s not in _index()["codes"] and "0" + s in _index()["codes"]:
        return "0" + s
    return s


def parse(raw: object) -> ParsedCode:
    """Normalise one code; never raises for bad input (see ``reason``).

    Examples
    --------
    >>> parse("2614 有机化学原料制造").code
    '2614'
    >>> parse(" c26 ").code
    '26'
    >>> p = parse("2699"); (p.code, p.reason, p.suggestions[:1])
    (None, 'industry_code_unknown', ('2689',))
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or (isinstance(raw, str) and not raw.strip()):
        return ParsedCode(raw, None, "industry_code_missing", _msg("industry_code_missing"))
    try:
        import pandas as pd

        if raw is pd.NA or raw is pd.NaT:
            return ParsedCode(raw, None, "industry_code_missing", _msg("industry_code_missing"))
    except ImportError:  # pragma: no cover
        pass
    ix = _index()
    letter, digits, rest = _digits(raw)
    if digits is None:
        by_name = ix["by_name"].get(normalize_name(rest)) if rest else None
        if by_name:  # a bare name such as "有机化学原料制造"
            return ParsedCode(raw, by_name[-1])
        return ParsedCode(raw, None, "industry_code_malformed", _msg("industry_code_malformed", str(raw)),
                          tuple(_suggest_by_name(rest)))
    division = digits[:2]
    if division not in ix["section_of"] or (digits not in ix["codes"] and division in ix["listed"]):
        return ParsedCode(raw, None, "industry_code_unknown",
                          _msg("industry_code_unknown", digits), tuple(suggest(digits, name=rest)))
    if letter and ix["section_of"][division] != letter:
        return ParsedCode(raw, None, "industry_section_mismatch",
                          _msg("industry_section_mismatch", f"{letter}{digits} → {ix['section_of'][division]}{digits}"),
                          (digits,))
    if rest and digits in ix["codes"]:
        official = table().at[digits, "name_zh"]
        a, b = normalize_name(rest), normalize_name(official)
        if a not in b and b not in a:
            return ParsedCode(raw, None, "industry_name_mismatch",
                              _msg("industry_name_mismatch", f"{digits} = {official!r} ≠ {rest!r}"),
                              tuple(dict.fromkeys([digits, *_suggest_by_name(rest)])))
    return ParsedCode(raw, digits)


def _suggest_by_name(text: str, n: int = 3) -> list[str]:
    if not text:
        return []
    ix = _index()
    hits = difflib.get_close_matches(normalize_name(text), list(ix["names"]), n=n, cutoff=0.5)
    out: list[str] = []
    for h in hits:
        out.extend(c for c in ix["by_name"].get(h, []) if len(c) >= 2)
    return list(dict.fromkeys(out))[:n]


def suggest(code: str, n: int = 3, *, name: str = "") -> list[str]:
    """The ``n`` real codes closest to ``code``: the given name's matches first, then codes of
    the same length sharing the longest prefix, nearest in number.

    Examples
    --------
    >>> suggest("1714")
    ['1713', '1712', '1711']
    """
    ix = _index()
    first = _suggest_by_name(name, n) if name else []
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(code)))
    if not digits:
        return first[:n]
    same_len = [c for c in ix["codes"] if c.isdigit() and len(c) == len(digits)]

    def key(c: str) -> tuple[int, int, str]:
        common = len(_common_prefix(c, digits))
        return (-common, abs(int(c) - int(digits)), c)

    ranked = sorted(same_len, key=key)
    return list(dict.fromkeys([*first, *ranked]))[:n]


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def lookup(code: object) -> Industry:
    """The table row of a code in any accepted spelling.

    Raises
    ------
    UnknownIndustryError
        For a missing, malformed or unknown code, with the closest codes.

    Examples
    --------
    >>> lookup("C3011").name_zh
    '水泥制造'
    >>> lookup(44).level
    'division'
    """
    p = parse(code)
    if not p.ok or p.code is None:
        raise UnknownIndustryError(code, p.reason, p.suggestions)
    return _row(p.code)


def _row(code: str) -> Industry:
    t = table()
    ix = _index()
    division = code[:2]
    if code in t.index:
        r = t.loc[code]
        return Industry(code, r["name_zh"], r["level"], r["parent"], division,
                        ix["section_of"].get(division, ""), r["confidence"])
    level = {2: "division", 3: "group", 4: "class"}[len(code)]
    parent = code[:3] if len(code) == 4 and code[:3] in t.index else division
    return Industry(code, None, level, parent, division, ix["section_of"].get(division, ""), "not_in_table")


def name(code: object) -> str | None:
    """Chinese name of a code (``None`` for a well-formed class outside the listed sections)."""
    return lookup(code).name_zh


def normalize(values: pd.Series | Sequence[object]) -> pd.DataFrame:
    """Normalise a column of codes, resolving each distinct value once.

    Returns
    -------
    DataFrame
        Same index as ``values``: ``code`` (digits or ``None``), ``reason`` (`REASONS` key or
        ``""``), ``message`` and ``suggestion`` (closest codes with names, ``"; "``-joined).

    Examples
    --------
    >>> normalize(["C2614", 3011, "２６１４", None])["code"].tolist()
    ['2614', '3011', '2614', None]
    """
    import numpy as np
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    parsed = [parse(u) for u in uniques]
    missing = ParsedCode(None, None, "industry_code_missing", _msg("industry_code_missing"))
    parsed.append(missing)
    idx = np.where(codes < 0, len(parsed) - 1, codes)
    def col(f: Any) -> pd.Series:
        return pd.Series(np.array([f(p) for p in parsed], dtype=object)[idx], index=s.index, dtype=object)

    return pd.DataFrame({
        "code": col(lambda p: p.code),
        "reason": col(lambda p: p.reason),
        "message": col(lambda p: p.message),
        "suggestion": col(lambda p: "; ".join(_label(c) for c in p.suggestions)),
    }, index=s.index)

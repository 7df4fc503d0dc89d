"""Exceptions and warnings raised by tanfeng.

Every error says what was expected, what was found and what to do about it. Errors that
concern many rows of a table (`InputError`) carry a DataFrame of failures — one row per
(row, column) problem, with a reason code that programs can branch on.

All exceptions derive from `TanfengError`; several also derive from the builtin (or pint)
exception that callers already catch, so ``except KeyError`` keeps working for unknown names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from pint.errors import PintError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FactorFallbackWarning",
    "FactorNotFoundError",
    "FactorTableError",
    "InputError",
    "RuleError",
    "TanfengError",
    "TanfengWarning",
    "UnitError",
    "UnknownCarrierError",
    "UnknownNameError",
    "UnknownRegionError",
]


class TanfengError(Exception):
    """Base class of every error tanfeng raises on purpose."""


class TanfengWarning(UserWarning):
    """Base class of tanfeng's warnings.

    tanfeng warns with a `tanfeng.cells.Text` (a message code of ``factors/rules/reasons.csv``
    and its fields): the warning is said in the language of `tanfeng.cells.set_language`
    whenever it is shown, and ``code`` and ``fields`` keep what it says for programs.

    Examples
    --------
    >>> from tanfeng.cells import Text
    >>> w = TanfengWarning(Text("total_row", first="合计"))
    >>> w.code, w.fields, w.text("en")
    ('total_row', {'first': '合计'}, 'total row (合计)')
    """

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(message, *args)
        self._text = message

    @property
    def message(self) -> str:
        """The message in the current language."""
        return str(self._text)

    @property
    def code(self) -> str:
        """The message code (``""`` for a plain-text warning)."""
        return str(getattr(self._text, "code", ""))

    @property
    def fields(self) -> dict[str, Any]:
        """The values the message names (empty for a plain-text warning)."""
        return dict(getattr(self._text, "fields", {}))

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current language)."""
        render = getattr(self._text, "render", None)
        return str(render(lang)) if render is not None else str(self._text)

    def __str__(self) -> str:
        return str(self._text)


class FactorFallbackWarning(TanfengWarning):
    """A factor other than the one asked for was used (another data year, a parent region, …).

    Besides the message, the warning carries what was asked and what was used instead, so a
    program can branch on it (as pint's errors carry their units).

    Attributes
    ----------
    carrier, quantity : str
        The carrier id and factor quantity asked for (``"electricity"``, ``"grid_co2"``).
    region : str or None
        The region asked for (None: national).
    year : int or None
        The data year asked for.
    used : str
        Id of the factor used instead (``"grid-co2-huadong-2022"``).
    used_region : str or None
        Region of the factor used ("" for a factor that applies everywhere).
    used_year : int or None
        Data year of the factor used.

    Examples
    --------
    >>> w = FactorFallbackWarning("used 2023", carrier="electricity", quantity="grid_co2",
    ...                           year=2024, used="grid-co2-national-2023", used_year=2023)
    >>> str(w), w.used_year
    ('used 2023', 2023)
    """

    def __init__(
        self,
        message: object,
        *,
        carrier: str = "",
        quantity: str = "",
        region: str | None = None,
        year: int | None = None,
        used: str = "",
        used_region: str | None = None,
        used_year: int | None = None,
    ) -> None:
        super().__init__(message)
        self.carrier = carrier
        self.quantity = quantity
        self.region = region
        self.year = year
        self.used = used
        self.used_region = used_region
        self.used_year = used_year


def _suggest(options: Sequence[str]) -> str:
    if not options:
        return ""
    return " Did you mean: " + ", ".join(repr(o) for o in options) + "?"


class UnitError(TanfengError, PintError, ValueError):
    """A unit string that cannot be understood, or a unit of the wrong dimension.

    Attributes
    ----------
    unit : str
        The string as given.
    suggestions : list of str
        Close spellings that tanfeng does understand.
    expected : str or None
        The dimension that was expected (e.g. ``"mass"``), for dimension errors.
    code : str
        Reason code (`tanfeng.cells.REASONS`): ``unit_unknown``, ``unit_unparsable`` …
    """

    def __init__(
        self,
        unit: str,
        reason: str = "unknown unit",
        suggestions: Sequence[str] = (),
        expected: str | None = None,
        code: str = "unit_unknown",
    ) -> None:
        self.unit = unit
        self.code = code
        self.reason = reason
        self.suggestions = list(suggestions)
        self.expected = expected
        super().__init__(unit, reason)

    def __str__(self) -> str:
        msg = f"unit {self.unit!r}: {self.reason}."
        if self.expected:
            msg += f" Expected a unit of {self.expected}."
        return msg + _suggest(self.suggestions)


class UnknownNameError(TanfengError, KeyError):
    """A name tanfeng does not know: a carrier, a region, an industry code, ….

    Also a `KeyError`, so ``except KeyError`` keeps working. The subclasses
    (`UnknownCarrierError`, `UnknownRegionError`, ``tanfeng.industries.UnknownIndustryError``)
    say which vocabulary was searched.

    Attributes
    ----------
    kind : str
        What was looked up (``"carrier"``, ``"region"``, ``"industry"``).
    name : object
        The name as given.
    suggestions : list of str
        The closest names tanfeng knows.

    Examples
    --------
    >>> e = UnknownRegionError("浙 江省x", ["浙江"])
    >>> e.kind, e.name, e.suggestions, isinstance(e, KeyError)
    ('region', '浙 江省x', ['浙江'], True)
    """

    kind = "name"

    def __init__(self, name: object, suggestions: Sequence[str] = (), *, kind: str | None = None) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        if kind is not None:
            self.kind = kind
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown {self.kind} {self.name!r}." + _suggest(self.suggestions)


class UnknownCarrierError(UnknownNameError):
    """An energy-carrier (能源品种) name that is not in the carrier vocabulary."""

    kind = "carrier"

    def __str__(self) -> str:
        return (
            f"unknown energy carrier (能源品种) {self.name!r}."
            + _suggest(self.suggestions)
            + " See tanfeng.carriers.table() for the names tanfeng knows, or add an alias."
        )


class UnknownRegionError(UnknownNameError):
    """A region name that is not in ``factors/regions.csv``."""

    kind = "region"


class FactorNotFoundError(TanfengError, LookupError):
    """No factor in the factor set matches the request, even after the documented fallbacks.

    Attributes
    ----------
    request : dict
        What was asked: ``carrier``, ``quantity``, ``region``, ``year``, ``basis``, ``variant``.
    carrier, quantity, region, year, basis, variant
        The same fields as attributes (None / "" when not part of the request).
    available : list of str
        What the factor set does hold for that carrier (to choose an override from).

    Examples
    --------
    >>> e = FactorNotFoundError("no factor", {"carrier": "electricity", "quantity": "grid_co2",
    ...                                       "year": 1990})
    >>> e.carrier, e.quantity, e.year, e.region
    ('electricity', 'grid_co2', 1990, None)
    """

    def __init__(
        self, message: str, request: dict[str, Any] | None = None, *, available: Sequence[str] = ()
    ) -> None:
        self.request = dict(request or {})
        self.carrier: str = str(self.request.get("carrier", ""))
        self.quantity: str = str(self.request.get("quantity", ""))
        self.region: str | None = self.request.get("region")
        self.year: int | None = self.request.get("year")
        self.basis: str = str(self.request.get("basis", ""))
        self.variant: str = str(self.request.get("variant", ""))
        self.available = list(available)
        super().__init__(message)


class FactorTableError(TanfengError, ValueError):
    """A factor table failed validation; ``problems`` lists every failing row and check."""

    def __init__(self, problems: pd.DataFrame) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the factor table")

    def __str__(self) -> str:
        lines = [f"factor table has {len(self.problems)} problem(s):"]
        for rec in self.problems.head(20).itertuples(index=False):
            lines.append(f"  - [{rec.check}] {rec.id}: {rec.message}")
        if len(self.problems) > 20:
            lines.append(f"  … and {len(self.problems) - 20} more (see .problems)")
        return "\n".join(lines)


class InputError(TanfengError, ValueError):
    """Bad rows in an input table. ``failures`` has one row per problem.

    Columns of ``failures`` (built by `tanfeng.cells.Failures`): ``row`` (the input index
    label, ``"<table>"`` for a problem of the whole table), ``sheet_row`` (1-based spreadsheet
    row when the rows came from a file), ``column`` (as the user wrote it), ``value``,
    ``reason`` (a stable code of `tanfeng.cells.REASONS`, such as ``carrier_unknown``),
    ``message`` and ``suggestion`` (in the language of `tanfeng.cells.set_language`).
    """

    def __init__(self, failures: pd.DataFrame, what: str = "input table") -> None:
        self.failures = failures
        self.what = what
        super().__init__(f"{len(failures)} problem(s) in the {what}")

    def __str__(self) -> str:
        f = self.failures
        nrows = f["row"].nunique() if len(f) else 0
        lines = [f"{len(f)} problem(s) in {nrows} row(s) of the {self.what}:"]
        for rec in f.head(25).itertuples(index=False):
            sheet_row = getattr(rec, "sheet_row", None)
            where = f"row {rec.row!r}" + (f" (sheet row {sheet_row})" if isinstance(sheet_row, int | np.integer) else "")
            s = f"  {where}, column {rec.column!r}, value {rec.value!r}: [{rec.reason}] {rec.message}"
            if rec.suggestion:
                s += f" — {rec.suggestion}"
            lines.append(s)
        if len(f) > 25:
            lines.append(f"  … and {len(f) - 25} more (see the exception's .failures DataFrame)")
        lines.append("Fix these rows, or pass errors='report' to keep them with a 'problem' column.")
        return "\n".join(lines)


class RuleError(TanfengError, ValueError):
    """A policy rule cannot be applied (suspended on that date, malformed rule file, …)."""

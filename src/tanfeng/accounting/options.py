"""`AccountOptions`: the keyword options of :func:`tanfeng.account`, one list for every caller.

A function that runs `account` for its user (`tanfeng.write_statement`, the statement model)
takes these as ``**options: Unpack[AccountOptions]`` and passes them on, so a new option of
`account` is added here once and its defaults stay in `account`'s own signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from ..factors import FactorSet


class AccountOptions(TypedDict, total=False):
    """The keyword options of :func:`tanfeng.account` (each optional; the defaults are account's).

    Keys: ``basis`` (当量值 / 等价值 / both), ``region`` (grid region for electricity CO2),
    ``year`` (data year), ``factors`` (a `FactorSet`), ``errors`` (``"raise"`` | ``"report"``),
    ``co2`` (compute CO2), ``columns`` (standard name -> your header) and
    ``substitution_factor`` (your province's 等价值 of electricity). See :func:`tanfeng.account`
    for what each means and its default.

    Examples
    --------
    >>> from tanfeng.accounting import AccountOptions
    >>> options: AccountOptions = {"region": "浙江", "year": 2022}
    >>> sorted(AccountOptions.__annotations__)
    ['basis', 'co2', 'columns', 'errors', 'factors', 'region', 'substitution_factor', 'year']
    """

    basis: str
    region: str | None
    year: int | None
    factors: FactorSet | None
    errors: str
    co2: bool
    columns: Mapping[str, str] | None
    substitution_factor: Any

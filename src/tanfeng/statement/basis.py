"""The rules a statement applies, as shown on its 依据 sheet and under its HTML/Markdown twin."""

from __future__ import annotations

from ..cells import say

#: How many rules the 依据 sheet lists (``statement_rule_<n>`` and ``statement_rule_<n>_source``).
N_RULES = 7


def rules(lang: str) -> list[tuple[str, str]]:
    """(rule, where it comes from) in ``lang`` — each is applied by :func:`tanfeng.account`, not by
    the statement.

    Examples
    --------
    >>> rules("en")[6]
    ('scope 1: direct combustion emissions; scope 2: indirect emissions of purchased electricity and heat', 'GB/T 32150-2025')
    """
    return [(say(f"statement_rule_{k}", lang), say(f"statement_rule_{k}_source", lang)) for k in range(1, N_RULES + 1)]

"""How the statement puts its texts together, in the reader's language.

Every heading, column label, step and note of a 计算书 is one ``statement_*`` row of
``factors/rules/texts/statement.csv`` (``code, zh, en``), read by `tanfeng.cells.MESSAGES` and
rendered by :func:`tanfeng.cells.say`; a statement is written in one language, chosen when it
is built (`Statement.lang`). These helpers join texts the way each language writes them.
"""

from __future__ import annotations

from typing import Any

from ..cells import say

#: The languages a statement is written in.
LANGUAGES = ("zh", "en")


def numbered(num: str, code: str, lang: str, **fields: Any) -> str:
    """A numbered heading: ``五、汇总`` / ``5. Totals`` (``num`` is ``"5"``, ``"2a"`` …).

    Examples
    --------
    >>> numbered("5", "statement_totals", "zh"), numbered("5", "statement_totals", "en")
    ('五、汇总', '5. Totals')
    """
    return say("statement_numbered", lang, num=say(f"statement_num_{num}", lang), text=say(code, lang, **fields))


def paren(text: str, detail: str, lang: str) -> str:
    """``text（detail）`` in Chinese, ``text (detail)`` in English."""
    return say("statement_paren", lang, text=text, detail=detail)


def joined(parts: list[str], lang: str) -> str:
    """Parts joined as a list: ``a；b`` / ``a; b``."""
    return say("statement_list_sep", lang).join(parts)

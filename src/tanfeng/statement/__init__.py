"""计算书: a calculation statement a reviewer can check line by line.

:func:`write_statement` takes the same records and arguments as :func:`tanfeng.account` and
writes, per entity, every energy record with its quantity as given, the unit conversion, the
coefficient with its source, and the result — in Excel as live formulas (``.xlsx``), or as
HTML / Markdown with the formulas written out in words (``.html``, ``.md``). A 依据 sheet
lists every factor, document and rule used and the factor set's version.
"""

from __future__ import annotations

from .model import Statement, build_statement
from .write import write_statement

__all__ = ["Statement", "build_statement", "write_statement"]

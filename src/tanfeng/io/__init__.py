"""Analysts' files in, a formatted workbook out: Excel and CSV (GBK too) with Chinese headers.

* :func:`read_records` reads energy records — long (one row per carrier: 能源品种 / 消费量 /
  计量单位) or wide (one column per carrier, the unit in the header: ``用电量(万千瓦时)``,
  ``天然气（万立方米）``, ``原煤/吨``, ``柴油 t``) — into the long records that
  :func:`tanfeng.account` takes.
* :func:`read_table` reads an enterprise or project table (亩均 inputs, 两高 projects, actions):
  headers mapped to tanfeng's column names, numbers parsed, units in headers converted
  (``实缴税金(元)`` becomes ``tax`` in 万元).
* :func:`write_report_xlsx` writes DataFrames as formatted sheets: frozen bold header with the
  units, number formats, column widths; text that Excel would run as a formula (``=``, ``+``,
  ``-``, ``@``, tab, CR) is stored as literal text.

Files: ``.xlsx``/``.xlsm`` (openpyxl) and ``.csv``/``.txt`` in UTF-8, UTF-8 with BOM, UTF-16 (Excel's
"Unicode text") or GBK/GB18030 — detected, and stated with the sheet and file in
``df.attrs["tanfeng_io"]``. Header aliases are data (``factors/rules/headers.csv``: standard
name, aliases, type, unit, note); ``mapping=`` renames your own headers first. Numbers written as
text — ``1,234.5``, full-width ``１２``, ``12万``, ``(30)`` — are parsed; what cannot be parsed
is reported, every cell at once, in one `InputError` with the file, sheet, Excel row, column and
cell (``C17``).
"""

from __future__ import annotations

from ..cells import FORMULA_PREFIXES
from .base import EXCEL_MAX_ROWS, REASONS, FileFormatError, IOWarning
from .headers import HeaderSpec, header_label, load_headers
from .numbers import parse_number, parse_numbers
from .read import read_records, read_table
from .xlsx import save_workbook, sheet_title, text_cell, write_report_xlsx

__all__ = [
    "EXCEL_MAX_ROWS",
    "FORMULA_PREFIXES",
    "REASONS",
    "FileFormatError",
    "HeaderSpec",
    "IOWarning",
    "header_label",
    "load_headers",
    "parse_number",
    "parse_numbers",
    "read_records",
    "read_table",
    "save_workbook",
    "sheet_title",
    "text_cell",
    "write_report_xlsx",
]

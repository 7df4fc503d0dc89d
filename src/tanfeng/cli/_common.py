"""What every ``tanfeng`` command shares: the common options, messages, progress line, output helpers."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MSG: dict[str, dict[str, str]] = {
    "zh": {"done": "完成，用时 {secs:.1f} 秒。输出：", "report": "报告", "workbook": "工作簿", "charts": "图表",
           "reading": "读取", "wrote": "已写出", "rows": "行", "flagged": "列入两高", "undecided": "无法判定",
           "factor_set": "系数库版本", "statement": "计算书"},
    "en": {"done": "Done in {secs:.1f} s. Outputs:", "report": "report", "workbook": "workbook", "charts": "charts",
           "reading": "reading", "wrote": "wrote", "rows": "rows", "flagged": "flagged 两高", "undecided": "undecided",
           "factor_set": "factor set", "statement": "calculation statement (计算书)"},
}


#: The word before a note the user should read once (``tanfeng: 提示: …``).
NOTE = {"zh": "提示", "en": "note"}


#: Whether a progress bar is on the last line of stderr (a note then starts on a line of its own).
_BAR_OPEN = [False]


#: The notes said during this run (`say_note`): the workbook's 说明 sheet repeats them.
SAID: list[str] = []


def say_note(message: str, lang: str) -> None:
    """Print one note as ``tanfeng: 提示: …`` on stderr, on its own line (never inside a progress bar)."""
    SAID.append(message)
    if _BAR_OPEN[0]:
        print(file=sys.stderr)
        _BAR_OPEN[0] = False
    print(f"tanfeng: {NOTE.get(lang, NOTE['zh'])}: {message}", file=sys.stderr)


def common_parser() -> argparse.ArgumentParser:
    """Options every command accepts after its name (``tanfeng demo --lang en``).

    ``argparse.SUPPRESS`` keeps the top-level ``--lang`` value when the option is not repeated.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return common


def add_errors_option(p: argparse.ArgumentParser) -> None:
    """``--errors raise|report``: stop at bad rows, or flag them and go on."""
    p.add_argument("--errors", choices=["raise", "report"], default="raise",
                   help="raise: stop and list every bad row; report: keep bad rows with a 'problem' column "
                        "(reading included)")


def progress(i: int, n: int, label: str) -> None:
    """A one-line progress bar on stderr: [#####-----] 3/6 label."""
    width = 24
    done = int(width * i / max(n, 1))
    print(f"\r[{'#' * done}{'-' * (width - done)}] {i}/{n} {label[:60]:<60}", end="" if i < n else "\n",
          file=sys.stderr, flush=True)
    _BAR_OPEN[0] = i < n


class pandas_wide:
    """Wide pandas printing for tables on the terminal."""

    def __enter__(self) -> None:
        import pandas as pd

        self._ctx: Any = pd.option_context("display.width", 200, "display.max_rows", 1000,
                                           "display.max_colwidth", 40)
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


#: Formats ``--out`` can write, by extension.
OUT_FORMATS = (".xlsx", ".csv", ".parquet")

_OUT_MSG = {
    "zh": {"ext": "--out {out}: 无法按扩展名 '{ext}' 确定格式；可用 {formats}",
           "dir": "--out {out} 是一个文件夹；请给出文件名，如 {out}/结果.xlsx"},
    "en": {"ext": "--out {out}: cannot tell the format from the extension '{ext}'; use {formats}",
           "dir": "--out {out} is a folder; give a file name such as {out}/result.xlsx"},
}


class UsageError(Exception):
    """A mistake in the command line (printed as one ``tanfeng: …`` line, exit code 1)."""


def check_out(out: str, lang: str) -> str:
    """The format of ``--out`` from its extension (.xlsx, .csv, .parquet); anything else is an error."""
    from pathlib import Path

    m = _OUT_MSG[lang]
    p = Path(out)
    if p.is_dir():
        raise UsageError(m["dir"].format(out=out))
    ext = p.suffix.lower()
    if ext not in OUT_FORMATS:
        raise UsageError(m["ext"].format(out=out, ext=ext, formats=", ".join(OUT_FORMATS)))
    return ext


def write_out(out: str, sheets: dict[str, Any], lang: str, notes: list[str] | None = None) -> None:
    """Write ``sheets`` to ``out`` in the format of its extension: a workbook (.xlsx, one sheet
    each), or the first table alone (.csv as UTF-8 with BOM so Excel reads the Chinese, .parquet)."""
    from pathlib import Path

    from ..io import write_report_xlsx

    ext = check_out(out, lang)
    if ext == ".xlsx":  # the notes given, then every note said on the terminal (steam pressure assumed …)
        write_report_xlsx(out, sheets, lang=lang, notes=list(dict.fromkeys([*(notes or []), *SAID])))
        return
    first = next(iter(sheets.values()))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if ext == ".csv":
        first.to_csv(out, index=False, encoding="utf-8-sig")
    else:
        first.to_parquet(out, index=False)


class DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` with each option's default, except where there is none (no "(default: None)")."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default == []:
            return action.help
        return super()._get_help_string(action)


def add_help_defaults(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``--help`` shows each option's default."""
    p.formatter_class = DefaultsFormatter
    return p


_PROBLEMS = {
    "zh": {"more": "  … 另有 {n:,} 个问题（加 --errors report，结果表 problem 列逐行列出）",
           "problems": "{file}：{n} 个问题（{rows} 行）：",
           "line": "  第 {row} 行，列 {column!r}，值 {value!r}：[{reason}] {message}",
           "table": "  表格：列 {column!r}：[{reason}] {message}"},
    "en": {"more": "  … and {n:,} more (with --errors report the 'problem' column lists every row)",
           "problems": "{file}: {n} problem(s) in {rows} row(s):",
           "line": "  row {row}, column {column!r}, value {value!r}: [{reason}] {message}",
           "table": "  table: column {column!r}: [{reason}] {message}"},
}

#: Problems printed per file; the rest are counted (all of them are in the workbook with --errors report).
MAX_PROBLEM_LINES = 25

#: What to do about bad rows, in CLI terms (never Python syntax).
ADVICE = {
    "zh": "修正这些行后重试，或加 --errors report 保留这些行（结果表 problem 列说明原因）。",
    "en": "Fix these rows and run again, or add --errors report to keep them (the 'problem' column says why).",
}


def say_problems(where: str, failures: Any, lang: str) -> None:
    """Print a failure table once, in sheet order: 1-based spreadsheet rows where the table
    carries them (``sheet_row``), the user's own headers, the chosen language."""
    import pandas as pd

    t = _PROBLEMS.get(lang, _PROBLEMS["zh"])
    f = failures.copy()
    if "sheet_row" in f:
        f["row"] = [int(s) if pd.notna(s) else r for r, s in zip(f["row"], f["sheet_row"])]
    f = f.sort_values("row", kind="stable", key=lambda s: s.map(lambda v: v if isinstance(v, int) else -1))
    print(t["problems"].format(file=where, n=len(f), rows=f["row"].nunique()), file=sys.stderr)
    for r in f.head(MAX_PROBLEM_LINES).itertuples(index=False):
        key = "table" if str(r.row).startswith("<") else "line"
        line = t[key].format(row=r.row, column=r.column, value=r.value, reason=r.reason, message=r.message)
        print(line + (f" — {r.suggestion}" if r.suggestion else ""), file=sys.stderr)
    if len(f) > MAX_PROBLEM_LINES:
        print(t["more"].format(n=len(f) - MAX_PROBLEM_LINES), file=sys.stderr)


def user_headers(failures: Any, table: Any) -> Any:
    """The failure table with the file's own headers where a later stage named the standard
    column (``industry_code`` → 行业代码), from the mapping `read_table`/`read_records` recorded."""
    headers = {v: k for k, v in (table.attrs.get("tanfeng_io", {}).get("columns") or {}).items()}
    f = failures.copy()
    f["column"] = [headers.get(c, c) for c in f["column"]]
    return f


@contextlib.contextmanager
def in_file_terms(table: Any, file: str | Path) -> Iterator[None]:
    """Inside the block, an `InputError` about ``table`` (read from ``file``) is re-raised in the
    file's terms: its headers and its name, as the analyst sees them in the sheet."""
    from ..errors import InputError

    try:
        yield
    except InputError as exc:
        raise InputError(user_headers(exc.failures, table), what=Path(file).name) from exc

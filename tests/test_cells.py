"""The input kernel (tanfeng.cells): one cell reader, one header lookup, one reason registry,
one failure table."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tanfeng
from tanfeng.accounting import summarize
from tanfeng.cells import REASONS, Failures, find_columns, read_quantities, read_quantity
from tanfeng.errors import InputError

ACCEPTED = [
    (1200, 1200.0), ("1200", 1200.0), ("1,200", 1200.0), ("1 200", 1200.0), ("１２００", 1200.0),
    ("12万", 120_000.0), ("1.5亿", 150_000_000.0), ("3.5e4", 35_000.0), ("12,345,678.9", 12_345_678.9),
    (" 7 ", 7.0), ("0.1万", 1000.0), ("12 万", 120_000.0), (Decimal("2.5"), 2.5), ("+5", 5.0),
    (np.int64(3), 3.0), ("1\u00a0200", 1200.0),
]
REJECTED = [
    ("1,5", "quantity_not_numeric"), ("1.200,50", "quantity_not_numeric"), ("1,2,3", "quantity_not_numeric"),
    ("1_000", "quantity_not_numeric"), (True, "quantity_not_numeric"), (1 + 2j, "quantity_not_numeric"),
    ("1+2j", "quantity_not_numeric"), ("12吨", "quantity_with_unit"), ("12 t", "quantity_with_unit"),
    (dt.date(2022, 3, 1), "quantity_is_date"), (None, "quantity_missing"), ("", "quantity_missing"),
    ("—", "quantity_missing"), (float("nan"), "quantity_missing"), (float("inf"), "quantity_infinite"),
    ("inf", "quantity_not_numeric"), ("-5", "quantity_negative"), ("(30)", "quantity_negative"),
    ("1e400", "quantity_overflow"), ("1e308亿", "quantity_overflow"), ("1" * 65, "quantity_not_numeric"),
    ("12万万", "quantity_not_numeric"), ("1,20", "quantity_not_numeric"), ("12 5", "quantity_not_numeric"),
    ("١٢", "quantity_not_numeric"),
]


@pytest.mark.parametrize("cell, value", ACCEPTED)
def test_accepted_cells(cell: object, value: float) -> None:
    assert read_quantity(cell) == pytest.approx(value, rel=1e-15)
    v, r = read_quantities(pd.Series([cell], dtype=object))
    assert v[0] == pytest.approx(value, rel=1e-15) and r[0] == ""


@pytest.mark.parametrize("cell, reason", REJECTED)
def test_rejected_cells(cell: object, reason: str) -> None:
    v, r = read_quantities(pd.Series([cell], dtype=object))
    assert r[0] == reason and np.isnan(v[0])
    with pytest.raises(InputError) as exc:
        read_quantity(cell)
    assert exc.value.failures["reason"].tolist() == [reason]


def test_accounting_negative_is_minus_thirty_when_allowed() -> None:
    # "(30)" is decided once: the accounting way of writing -30
    assert read_quantity("(30)", negative_ok=True) == -30.0
    v, r = read_quantities(["(1,234.5)", "-2"], negative_ok=True)
    assert v.tolist() == [-1234.5, -2.0] and list(r) == ["", ""]


def test_numeric_columns_take_the_fast_path_and_flag_what_is_not_finite() -> None:
    v, r = read_quantities(pd.Series([1.0, np.nan, np.inf, -2.0]))
    assert list(r) == ["", "quantity_missing", "quantity_infinite", "quantity_negative"]
    assert v[0] == 1.0 and np.isnan(v[1:]).all()
    v, r = read_quantities(pd.Series([True, False]))
    assert list(r) == ["quantity_not_numeric"] * 2
    v, r = read_quantities(pd.Series([1, True, "2"], dtype=object))  # True is never read as 1
    assert list(r) == ["", "quantity_not_numeric", ""] and v[2] == 2.0


def test_every_reason_has_both_languages() -> None:
    for code, reason in REASONS.items():
        assert reason.code == code and reason.zh and reason.en
    assert REASONS["quantity_not_numeric"].message("en") == "not a number"


def test_failures_keep_rows_by_position_with_duplicate_labels() -> None:
    f = Failures(pd.Index(["a", "a", "b"]), sheet_rows=[2, 3, 4], what="t")
    f.add(np.array([False, True, False]), "消费量", ["1", "1,5", "2"], "quantity_not_numeric")
    frame = f.frame()
    assert frame[["row", "sheet_row", "value"]].values.tolist() == [["a", 3, "1,5"]]
    assert f.problem_text().tolist()[0] == "" and f.problem_text().tolist()[1].startswith("quantity_not_numeric")


def test_two_headers_for_one_standard_name_are_an_error_naming_both() -> None:
    df = pd.DataFrame(columns=["quantity", "消费量", "carrier", "unit"])
    with pytest.raises(InputError) as exc:
        find_columns(df, ["carrier", "quantity", "unit"])
    f = exc.value.failures
    assert f["reason"].tolist() == ["column_duplicate"] and f["value"][0] == ["quantity", "消费量"]


def test_account_reads_cells_as_the_kernel_does() -> None:
    df = pd.DataFrame({"carrier": ["原煤"] * 4, "quantity": ["1,200", "12万", "1,5", "(30)"], "unit": ["t"] * 4})
    r = tanfeng.account(df, errors="report", co2=False)
    # 原煤 0.7143 tce/t (GB/T 2589): 1 200 t -> 857.16 tce; 120 000 t -> 85 716 tce
    assert r["tce"].tolist()[:2] == pytest.approx([1200 * 0.7143, 120_000 * 0.7143])
    assert r["problem"].str.split(":").str[0].tolist()[2:] == ["quantity_not_numeric", "quantity_negative"]


def test_account_refuses_an_input_column_named_like_an_output() -> None:
    df = pd.DataFrame({"carrier": ["原煤"], "quantity": [1], "unit": ["t"], "tce": [5.0]})
    with pytest.raises(InputError) as exc:
        tanfeng.account(df)
    assert exc.value.failures["reason"].tolist() == ["column_reserved"]


def test_account_flags_results_that_are_not_finite() -> None:
    df = pd.DataFrame({"carrier": ["天然气", "原煤"], "quantity": [1e308, 1.0], "unit": ["万m3", "t"]})
    r = tanfeng.account(df, errors="report")
    assert r["problem"][0].startswith("quantity_overflow") and np.isnan(r["tce"][0])
    assert r["tce"][1] == pytest.approx(0.7143) and not np.isinf(r[["tce", "co2_t"]].to_numpy()).any()
    with pytest.raises(InputError):
        tanfeng.to_co2(1e308, "万m3", "天然气")


def test_duplicate_labels_keep_each_rows_own_problem() -> None:
    df = pd.DataFrame({"carrier": ["原煤", "原煤"], "quantity": [1, "x"], "unit": ["t", "t"]}, index=[7, 7])
    r = tanfeng.account(df, errors="report", co2=False)
    assert r["problem"].tolist()[0] == "" and r["problem"].tolist()[1].startswith("quantity_not_numeric")


def test_summarize_keeps_blank_keys_as_their_own_group() -> None:
    df = pd.DataFrame({"town": ["陶朱", None, "", "陶朱"], "carrier": ["原煤"] * 4,
                       "quantity": [1000, 100, 10, 1], "unit": ["t"] * 4})
    s = summarize(tanfeng.account(df, co2=False), by="town")
    assert s["tce"].to_dict() == pytest.approx({"陶朱": 1001 * 0.7143, "（空白）": 110 * 0.7143})
    assert s["tce"].sum() == pytest.approx(summarize(tanfeng.account(df, co2=False))["tce"].iloc[0])


@pytest.mark.parametrize("kwargs, reason", [
    ({"factor": "-0.3 kgce/kWh"}, "factor_not_positive"),
    ({"factor": "abc ** 9"}, "factor_not_positive"),
])
def test_to_tce_checks_its_factor(kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(InputError) as exc:
        tanfeng.to_tce(100, "万kWh", "电力", **kwargs)  # type: ignore[arg-type]
    assert exc.value.failures["reason"].tolist() == [reason]


@pytest.mark.parametrize("ncv, reason", [
    ("-22 GJ/t", "ncv_not_positive"), ("22", "ncv_unit_missing"), ("22 GJ/m3", "ncv_dimension"),
    ("22 kJ/t", "ncv_implausible"), ("abc", "ncv_unparsable"),
])
def test_to_tce_checks_a_measured_ncv(ncv: str, reason: str) -> None:
    with pytest.raises(InputError) as exc:
        tanfeng.to_tce(1000, "t", "原煤", ncv=ncv)
    assert exc.value.failures["reason"].tolist() == [reason]


DOC = Path(__file__).resolve().parents[1] / "docs" / "input-cells.md"
_START, _END = "<!-- reasons: generated from factors/rules/reasons.csv -->", "<!-- reasons: end -->"


def reasons_markdown() -> str:
    """The docs' table of every reason code, from the registry (run this file to rewrite it)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| code | 中文 | English | 建议 | suggestion |", "|---|---|---|---|---|"]
    lines += [f"| `{r.code}` | {cell(r.zh)} | {cell(r.en)} | {cell(r.suggestion_zh)} | {cell(r.suggestion_en)} |"
              for r in REASONS.values()]
    return "\n".join(lines)


def test_the_docs_list_exactly_the_registrys_reason_codes() -> None:
    doc = DOC.read_text(encoding="utf-8")
    table = doc.split(_START)[1].split(_END)[0].strip()
    listed = re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.M)
    assert listed == list(REASONS), "run `python tests/test_cells.py` to rewrite docs/input-cells.md"
    assert table == reasons_markdown(), "run `python tests/test_cells.py` to rewrite docs/input-cells.md"
    assert len(listed) == len(set(listed)) >= 130

if __name__ == "__main__":  # rewrite the docs' reason table from factors/rules/reasons.csv
    text = DOC.read_text(encoding="utf-8")
    head, tail = text.split(_START)[0], text.split(_END)[1]
    DOC.write_text(f"{head}{_START}\n{reasons_markdown()}\n{_END}{tail}", encoding="utf-8")


def test_every_warning_tanfeng_raises_says_a_registry_message() -> None:
    """A warning written as a plain (f-)string could only speak one language: every
    ``warnings.warn(…)`` and ``…Warning(…)`` in src/ is given a `tanfeng.cells.Text` (or passes on
    a warning object it caught)."""
    import ast

    src = Path(__file__).resolve().parents[1] / "src" / "tanfeng"
    plain = []
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            first = node.args[0]
            text = (isinstance(first, ast.JoinedStr) or (isinstance(first, ast.Constant) and isinstance(first.value, str))
                    or (isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add)))  # "…" + "…"
            if (name == "warn" or name.endswith("Warning")) and text:
                plain.append(f"{path.relative_to(src)}:{node.lineno}")
    assert not plain, plain


def test_messages_hold_the_reasons_and_every_text_file() -> None:
    """`MESSAGES` is the one registry `Text` and `say` read: every reason, then the report texts."""
    from tanfeng.cells import MESSAGES, say

    assert list(MESSAGES)[: len(REASONS)] == list(REASONS)
    assert say("total_row", "en", first="合计") == "total row (合计)"
    assert say("total_row", "zh", first="合计") == "合计行（合计）"
    with pytest.raises(KeyError, match="no message 'no_such_text'"):
        say("no_such_text")


def test_a_message_code_written_twice_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One code, one meaning: a code given again in a second file is refused, naming the file."""
    import tanfeng.cells as cells

    (tmp_path / "rules" / "texts").mkdir(parents=True)
    (tmp_path / "rules" / "reasons.csv").write_text("code,zh,en\nsame,甲,A\n", encoding="utf-8")
    (tmp_path / "rules" / "texts" / "report.csv").write_text("code,zh,en\nother,乙,B\nsame,丙,C\n", encoding="utf-8")
    monkeypatch.setattr(cells, "data_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match=r"'same' is written twice .*report\.csv"):
        len(cells._Messages("reasons.csv", "texts/*.csv", name="test"))
    assert list(cells._Messages("texts/*.csv", name="test")) == ["other", "same"]


def test_every_text_code_the_source_names_is_in_the_registry() -> None:
    """Every literal code given to `Text` or `say` in src/, and every code of a table of codes (a
    dict literal whose values are strings, one of them a code of `MESSAGES`), is in `MESSAGES`:
    a mistyped code fails here, not when a rarely taken branch first says it."""
    import ast

    from tanfeng.cells import MESSAGES

    src = Path(__file__).resolve().parents[1] / "src" / "tanfeng"
    given: dict[str, str] = {}
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            codes: list[ast.expr] = []
            if isinstance(node, ast.Call) and node.args:
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
                codes = node.args[:1] if name in ("Text", "say") else []
            elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                                                     for v in node.values):
                strings = [v for v in node.values if isinstance(v, ast.Constant)]
                codes = strings if any(v.value in MESSAGES for v in strings) else []
            for c in codes:
                if isinstance(c, ast.Constant) and isinstance(c.value, str):
                    given[c.value] = f"{path.relative_to(src)}:{c.lineno}"
    assert len(given) >= 60
    assert {c: w for c, w in given.items() if c not in MESSAGES} == {}


def test_every_text_file_names_its_codes_after_its_module_and_says_both_languages() -> None:
    """Each ``factors/rules/texts/<module>.csv`` holds codes ``<module>_…``, each with a Chinese and
    an English text that `str.format` can fill (a stray brace fails here, not when first said)."""
    import csv
    import string

    from tanfeng.cells import MESSAGES, _Messages

    class Filler:
        def __format__(self, spec: str) -> str:
            return "x"

        def __repr__(self) -> str:
            return "x"

    files = _Messages("texts/*.csv", name="test").files()
    assert {"report.csv", "whatif.csv", "swap.csv"} <= {f.name for f in files}
    for path in files:
        with open(path, encoding="utf-8", newline="") as fh:
            codes = [row["code"] for row in csv.DictReader(fh)]
        assert [c for c in codes if not c.startswith(path.stem + "_")] == [], path.name
        for code in codes:
            m = MESSAGES[code]
            assert m.zh and m.en, code
            names = {n for t in (m.zh, m.en) for _, n, _, _ in string.Formatter().parse(t) if n}
            for lang in ("zh", "en"):
                m.message(lang).format(**dict.fromkeys(names, Filler()))

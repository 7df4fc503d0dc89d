"""The `tanfeng` command: the main job (`tanfeng demo`), `account`, `screen`, `factors`, errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tanfeng.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out


def test_demo_writes_report_charts_and_workbook(demo_dir: Path) -> None:
    md = (demo_dir / "report.md").read_text(encoding="utf-8")
    assert "两高" in md and "亩均" in md and "产能置换" in md and "合成数据" in md
    html = (demo_dir / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 6          # charts embedded: standalone page
    assert "Noto Sans CJK SC" in html and "<meta charset='utf-8'>" in html
    assert len(list((demo_dir / "charts").glob("*.png"))) >= 6
    wb = openpyxl.load_workbook(demo_dir / "results.xlsx", read_only=True)
    assert {"两高筛查", "目标进度", "亩均评价"} <= set(wb.sheetnames)
    statement = openpyxl.load_workbook(demo_dir / "statement.xlsx", read_only=True)  # the largest user's 计算书
    assert statement.sheetnames[-1] == "依据" and statement.sheetnames[0] in md


def test_demo_html_renders_in_chromium(demo_dir: Path) -> None:
    """A headless-Chromium screenshot of the report (skipped where Chromium is not installed)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium on this machine")
    shot = demo_dir / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={demo_dir / 'chrome'}", "--window-size=1200,1600",
                    f"--screenshot={shot}", (demo_dir / "report.html").as_uri()],
                   check=False, capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 50_000


def test_account_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "用能.csv"
    pd.DataFrame({"企业名称": ["甲", "乙"], "能源品种": ["原煤", "电力"], "消费量": [1000, 100],
                  "计量单位": ["吨", "万千瓦时"], "年份": [2022, 2022]}).to_csv(src, index=False, encoding="gbk")
    out = tmp_path / "out.xlsx"
    assert main(["account", str(src), "-o", str(out)]) == 0  # -o: the short form of --out
    # 1 000 t × 0.7143 + 100 万kWh × 0.1229 × 10 = 714.3 + 122.9 = 837.2 tce
    assert "837.20 tce" in capsys.readouterr().out
    assert out.exists()


def test_screen_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "projects.csv"
    pd.DataFrame({"project": ["甲", "乙"], "industry_code": ["2614", "3484"], "built_year": [2019, 2019],
                  "energy_tce": [1000.0, 20000.0]}).to_csv(src, index=False)
    assert main(["screen", str(src)]) == 0
    out = capsys.readouterr().out
    assert "1" in out and "达到1 000吨标准煤门槛" in out


def test_errors_are_one_message_and_nonzero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["account", str(tmp_path / "missing.xlsx"), "--out", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "tanfeng:" in err and "Traceback" not in err
    assert main(["factors", "show", "gbt2589-raw-coal"]) == 1
    assert "tanfeng: 没有编号为 'gbt2589-raw-coal' 的系数；是否指 gbt2589-" in capsys.readouterr().err
    assert main(["--lang", "en", "factors", "show", "gbt2589-raw-coal"]) == 1
    assert "did you mean" in capsys.readouterr().err


def test_factors_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factors", "validate"]) == 0
    assert main(["factors", "show", "gbt2589-2008-a1-raw-coal"]) == 0
    assert "0.7143" in capsys.readouterr().out


def test_lang_before_or_after_the_command() -> None:
    from tanfeng.cli import build_parser

    p = build_parser()
    assert p.parse_args(["demo", "--lang", "en"]).lang == "en"
    assert p.parse_args(["--lang", "en", "demo"]).lang == "en"
    assert p.parse_args(["demo"]).lang == "zh"


def test_every_registered_command_is_a_module_with_help() -> None:
    """``tanfeng.cli.COMMANDS`` lists one module per command; each adds its subparser with help."""
    import argparse

    from tanfeng.cli import COMMANDS, build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(COMMANDS)
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert all(helps[name] for name in COMMANDS)


# ------------------------------------------------------------------ the CLI in the user's terms

def _bad_records(tmp_path: Path) -> Path:
    src = tmp_path / "用能.csv"
    src.write_text("企业名称,能源品种,消费量,计量单位\n甲,原煤,1000,吨\n乙,电力,abc,万千瓦时\n丙,煤饼,5,吨\n",
                   encoding="utf-8")
    return src


def test_account_lists_every_problem_once_with_sheet_rows_and_cli_advice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _bad_records(tmp_path)
    assert main(["account", str(src), "--out", str(tmp_path / "o.xlsx")]) == 1
    err = capsys.readouterr().err
    # header is spreadsheet row 1: 乙 is row 3, 丙 row 4; the user's own header 消费量
    assert "第 3 行，列 '消费量'，值 'abc'：[quantity_not_numeric]" in err
    assert "第 4 行，列 '能源品种'，值 '煤饼'：[carrier_unknown]" in err
    assert err.count("2 个问题（2 行）") == 1
    assert "修正这些行后重试，或加 --errors report 保留这些行（结果表 problem 列说明原因）。" in err
    assert "errors='report'" not in err and "Traceback" not in err
    assert not (tmp_path / "o.xlsx").exists()


def test_account_errors_report_applies_to_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _bad_records(tmp_path)
    out = tmp_path / "o.xlsx"
    assert main(["account", str(src), "--out", str(out), "--errors", "report"]) == 0
    err = capsys.readouterr().err
    assert "tanfeng: 提示: 2 行有问题，已保留并在 problem 列说明（--errors report）" in err
    assert "tanfeng: 提示: 电力排放因子：地区 全国，数据年份" in err  # tanfeng.defaults.DEFAULT_REGION, as 全国
    rows = pd.read_excel(out, sheet_name="能源核算")
    assert len(rows) == 3  # every input row kept
    # 1 000 t 原煤 × 0.7143 = 714.3 tce; the two bad rows have no tce
    assert rows["综合能耗（吨标准煤）"].sum() == pytest.approx(714.3)
    assert main(["--lang", "en", "account", str(src), "--out", str(out), "--errors", "report"]) == 0
    assert "tanfeng: note: electricity CO2 factors: region China (national), data year" in capsys.readouterr().err


def test_account_header_advice_names_columns_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.csv"
    src.write_text("企业名称,能源品种,耗量,计量单位\n甲,原煤,1000,吨\n", encoding="utf-8")
    assert main(["account", str(src), "--out", str(tmp_path / "o.xlsx")]) == 1
    assert "表头不对应时用 --columns 指明，如 --columns 耗量=消费量（可重复）。" in capsys.readouterr().err
    assert main(["account", str(src), "--out", str(tmp_path / "o.xlsx"), "--columns", "耗量=消费量"]) == 0


@pytest.mark.parametrize(("ext", "reader"), [(".csv", pd.read_csv), (".parquet", pd.read_parquet)])
def test_out_format_by_extension(tmp_path: Path, ext: str, reader: object) -> None:
    src = _bad_records(tmp_path)
    out = tmp_path / f"o{ext}"
    assert main(["account", str(src), "--out", str(out), "--errors", "report"]) == 0
    assert len(reader(out)) == 3  # type: ignore[operator]


def test_cli_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _bad_records(tmp_path)
    assert main(["account", str(src), "--out", str(tmp_path / "o.txt")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"tanfeng: --out {tmp_path / 'o.txt'}: 无法按扩展名 '.txt' 确定格式；可用 .xlsx, .csv, .parquet")
    assert main(["account", str(src), "--out", str(tmp_path)]) == 1
    assert f"tanfeng: --out {tmp_path} 是一个文件夹" in capsys.readouterr().err
    big = tmp_path / "big.csv"
    big.write_text("企业名称,能源品种,消费量,计量单位\n甲,原煤,1000,\"" + "x" * 140_000 + "\"\n", encoding="utf-8")
    assert main(["account", str(big), "--out", str(tmp_path / "o.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "tanfeng: CSV 中有字段超过 131,072 个字符" in err and "Traceback" not in err
    assert main(["factors", "validate", str(tmp_path / "none")]) == 1
    assert "文件夹不存在" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["factors", "validate", str(tmp_path / "empty")]) == 1
    assert "文件夹中没有系数表" in capsys.readouterr().err


def test_a_bug_is_not_disguised(monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyError inside tanfeng keeps its traceback (it is a bug, not the user's input)."""
    import tanfeng.cli.factors as cmd

    def broken(_args: object) -> int:
        raise KeyError("internal")

    monkeypatch.setattr(cmd, "run", broken)
    with pytest.raises(KeyError):
        main(["factors", "list"])


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    import os

    src = _bad_records(tmp_path)
    old = os.umask(0o022)
    try:
        assert main(["account", str(src), "--out", str(tmp_path / "o.xlsx"), "--errors", "report"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "o.xlsx").stat().st_mode & 0o777 == 0o644


def test_help_shows_defaults_and_every_option_has_help() -> None:
    import argparse

    from tanfeng.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        for action in p._actions:
            assert action.help, (name, action.dest)
    assert "(default: national)" in sub.choices["account"].format_help()


def test_warnings_print_once_as_notes(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    import tanfeng.cli.factors as cmd

    def warns(_args: object) -> int:
        for _ in range(3):
            warnings.warn("同一条提示", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cmd, "run", warns)
    assert main(["factors", "list"]) == 0
    err = capsys.readouterr().err
    assert err.count("tanfeng: 提示: 同一条提示") == 1 and "UserWarning" not in err


def test_report_tables_speak_chinese_and_align(demo_dir: Path) -> None:
    md = (demo_dir / "report.md").read_text(encoding="utf-8")
    assert "综合能耗（当量值，吨标准煤）" in md and "| tce_calorific |" not in md
    assert "| True |" not in md and "| False |" not in md
    html = (demo_dir / "report.html").read_text(encoding="utf-8")
    assert "<td class='num'>2,351,631.4</td>" in html          # numbers right-aligned (class num)
    assert "td.num{text-align:right" in html and "text-align:left" in html
    wb = openpyxl.load_workbook(demo_dir / "results.xlsx", read_only=True)
    heads = [c.value for c in next(wb["两高一低"].iter_rows(max_row=1))]
    assert "index" not in heads
    town_heads = [c.value for c in next(wb["镇乡进度"].iter_rows(max_row=1))]
    assert "目标" not in town_heads                              # no town targets: the column is absent


def test_report_sentences_exist_in_english() -> None:
    """Every sentence, progress step and sheet name of the demo report has an English twin."""
    import re

    from tanfeng.cells import MESSAGES

    report = {k[len("report_"):]: m for k, m in MESSAGES.items() if k.startswith("report_")}
    assert len(report) >= 50 and all(m.zh and m.en for m in report.values())
    han = re.compile(r"[\u4e00-\u9fff]")
    steps = [k for k in report if k.startswith("step_")] + ["sheets", "by_carrier", "as_of", "firms"]
    assert not [k for k in steps if han.search(report[k].en.replace("两高", ""))]  # the term stays
    assert len(report["sheets"].en.split("|")) == len(report["sheets"].zh.split("|"))


def test_every_command_gives_cli_advice_for_bad_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An InputError from any command is listed with sheet rows and advises the flag, not Python."""
    src = tmp_path / "p.csv"
    src.write_text("project,industry_code,built_year,energy_tce\n甲,2614,2019,abc\n", encoding="utf-8")
    assert main(["screen", str(src)]) == 1
    err = capsys.readouterr().err
    assert "第 2 行，列 'energy_tce'，值 'abc'" in err
    assert "或加 --errors report 保留这些行" in err and "errors='report'" not in err
    assert main(["--lang", "en", "screen", str(src)]) == 1
    assert "add --errors report to keep them" in capsys.readouterr().err


def test_demo_html_glyphs_come_from_a_cjk_font(demo_dir: Path) -> None:
    """Chromium prints the report to PDF; the fonts it embeds show which fonts drew the text: the
    Chinese text is drawn with a CJK font (no tofu from a Latin-only fallback)."""
    import re

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    pdf = demo_dir / "report.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={demo_dir / 'chrome-pdf'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (demo_dir / "report.html").as_uri()],
                   check=False, capture_output=True, timeout=120)
    assert pdf.exists() and pdf.stat().st_size > 50_000
    fonts = {f.split(b"+", 1)[-1].decode() for f in re.findall(rb"/FontName\s*/([A-Za-z0-9+_-]+)", pdf.read_bytes())}
    assert any("CJK" in f or "YaHei" in f or "WenQuanYi" in f or "SourceHan" in f for f in fonts), fonts
    assert not any("LastResort" in f for f in fonts), fonts


def test_many_problems_are_counted_not_flooded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tanfeng.cli._common import MAX_PROBLEM_LINES

    src = tmp_path / "many.csv"
    n = 200  # 天然气 in 吨: a mass unit for a volume-measured carrier, on every row
    src.write_text("企业名称,能源品种,消费量,计量单位\n" + "甲,天然气,1,吨\n" * n, encoding="utf-8")
    assert main(["account", str(src), "--out", str(tmp_path / "o.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.count("[unit_dimension]") == MAX_PROBLEM_LINES
    assert f"… 另有 {n - MAX_PROBLEM_LINES} 个问题" in err


def test_lang_en_lasts_for_one_run_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`main(["--lang", "en", …])` must not leave English set for the calling program."""
    from tanfeng.cells import get_language

    assert get_language() == "zh"
    main(["factors", "list", "--lang", "en"])
    capsys.readouterr()
    assert get_language() == "zh"


def _font_cmap(family: str) -> set[int]:
    """The code points the installed font file of ``family`` covers (the right face of a .ttc)."""
    from fontTools.ttLib import TTCollection, TTFont
    from matplotlib import font_manager as fm

    path = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    faces = TTCollection(path).fonts if path.lower().endswith((".ttc", ".otc")) else [TTFont(path)]
    face = next((f for f in faces if f["name"].getDebugName(1) == family), faces[0])
    return set(face.getBestCmap())


def test_every_character_of_the_report_and_charts_is_in_the_cjk_font(demo_dir: Path) -> None:
    """The Chromium check above proves a CJK font is embedded, not that it has every glyph: here
    each character the report (HTML and Markdown) and the chart label tables use, in both
    languages, is looked up in the cmap of the font file charts and browsers draw with."""
    import importlib
    from html.parser import HTMLParser

    from tanfeng.cells import MESSAGES
    from tanfeng.plotting import cjk_font

    family = cjk_font()
    if family is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    page = Text()
    page.feed((demo_dir / "report.html").read_text(encoding="utf-8"))
    texts = [*page.parts, (demo_dir / "report.md").read_text(encoding="utf-8")]

    def strings(obj: object) -> None:
        if isinstance(obj, str):
            texts.append(obj)
        elif isinstance(obj, dict):
            for v in obj.values():
                strings(v)

    for name in ("per_mu", "screening", "swap", "targets", "whatif"):
        strings(importlib.import_module(f"tanfeng.plotting.{name}")._LABELS)  # type: ignore[attr-defined]
    texts += [t for k, m in MESSAGES.items() if k.startswith("report_") for t in (m.zh, m.en)]
    texts.append("−0123456789.,%")  # tick labels: matplotlib writes minus as U+2212
    used = {c for t in texts for c in t if c.isprintable() and not c.isspace()}
    missing = sorted(c for c in used if ord(c) not in _font_cmap(family))
    assert not missing, f"{family} has no glyph for {missing} ({[hex(ord(c)) for c in missing]})"


def test_warnings_speak_the_users_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each warning a messy file triggers is one note in the chosen language (`tanfeng.cells.Text`):
    a total row left out, steam without a pressure, a grid factor of another year, the 等价值 supply
    basis, the region used."""
    src = tmp_path / "用能.csv"
    src.write_text("企业名称,能源品种,消费量,计量单位,年份\n甲,蒸汽,100,吨,2020\n甲,电力,10,万千瓦时,2020\n合计,,110,,\n",
                   encoding="utf-8")
    args = ["account", str(src), "--out", str(tmp_path / "o.xlsx"), "--basis", "both", "--region", "浙江"]
    assert main(args) == 0
    zh = capsys.readouterr().err
    assert "tanfeng: 提示: 文件 用能.csv：1 行未读入：第 4 行（合计行（合计））\n" in zh
    assert ("tanfeng: 提示: 蒸汽未给压力：按默认值 DEFAULT_STEAM_PRESSURE = 1 MPa（绝压）饱和蒸汽计（steam-heat.md §1 算例），"
            "按 IAPWS-IF97 焓值 − 83.74 kJ/kg 得 2.6934 GJ/t") in zh
    assert "tanfeng: 提示: 电力（浙江）没有数据年份 2020 的电网排放因子，改用 2021 年（其后最近的有数年份）\n" in zh
    assert "应取 2019 年发电标准煤耗；tanfeng 没有发电数值，改用全国供电标准煤耗 2020 = 0.3055 kgce/kWh" in zh
    assert "tanfeng: 提示: 电力排放因子：地区 浙江，数据年份 2021\n" in zh
    assert main(["--lang", "en", *args]) == 0
    en = capsys.readouterr().err
    assert "1 row(s) left out: 4 (total row (合计))\n" in en
    assert "tanfeng: note: steam without a pressure: used the default DEFAULT_STEAM_PRESSURE = 1 MPa (absolute)" in en
    assert ("tanfeng: note: no grid_co2 factor for electricity (Zhejiang) for data year 2020; used 2021 "
            "(the earliest later year available)\n") in en
    assert "asks for the 2019 发电标准煤耗; tanfeng has no 发电 value" in en
    assert "tanfeng: note: electricity CO2 factors: region Zhejiang, data year 2021\n" in en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.split("steam without")[1].split("\n")[0])
    # with the province's official value there is no supply-basis note
    assert main([*args, "--substitution-factor", "0.28078 kgce/kWh"]) == 0
    assert "发电标准煤耗" not in capsys.readouterr().err


def test_a_warning_keeps_its_fields_and_is_said_when_shown() -> None:
    """The warning object carries code and fields; its text follows the language when it is shown."""
    import pickle
    import warnings

    import tanfeng
    from tanfeng.cells import language

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tanfeng.to_tce(1, "万kWh", "电力", basis="等价值", year=2020)
    w = next(c.message for c in caught if isinstance(c.message, tanfeng.FactorFallbackWarning))
    assert w.code == "substitution_supply_basis" and w.used == "supply-coal-rate-2020-electricity"
    assert w.used_year == 2020 and w.fields["value"] == 0.3055
    with language("en"):
        assert str(w).startswith("等价值 of electricity, data year 2020:")
    assert str(w).startswith("电力等价值（数据年份 2020）：")
    copy = pickle.loads(pickle.dumps(w))  # dask sends warnings between processes
    assert (str(copy), copy.used, copy.code) == (str(w), w.used, w.code)


def test_help_says_no_none_default() -> None:
    """An option without a default (``--out`` of screen, ``--year``) shows no "(default: None)"."""
    import argparse

    from tanfeng.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        assert "(default: None)" not in p.format_help() and "(default: [])" not in p.format_help(), name
    assert "(default: zhuji-2021)" in sub.choices["screen"].format_help()


def test_screen_problems_name_the_files_own_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad cell found by screening (after reading) is named as the analyst sees it in the sheet:
    the file, the Excel row and the header 行业代码 — not the internal name industry_code."""
    src = tmp_path / "项目.xlsx"
    pd.DataFrame({"项目名称": ["甲", "乙"], "行业代码": ["1713", "99"], "建成年份": [2019, 2020],
                  "年综合能耗（吨标准煤）": [1200, 800]}).to_excel(src, index=False)
    assert main(["screen", str(src)]) == 1
    err = capsys.readouterr().err
    assert "项目.xlsx" in err and "第 3 行" in err and "'行业代码'" in err and "industry_code'" not in err

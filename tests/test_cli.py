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
    assert main(["account", str(src), "--out", str(out)]) == 0
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

"""Charts find a CJK font through matplotlib's own mechanisms, and work without one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import tanfeng.plotting as plotting
from tanfeng.plotting import Chart, cjk_font, new_figure, save

HAS_CJK = cjk_font() is not None


def test_cjk_font_renders_without_missing_glyphs(tmp_path: Path) -> None:
    if not HAS_CJK:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    fig, ax = new_figure()
    ax.bar(["陶朱街道", "店口镇"], [3, 5], label="腾出用能（吨标准煤）")
    ax.set_title("诸暨市 腾笼换鸟 进度")  # added after the chart was built: drawn with the CJK font too
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        save(fig, tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 1000


def test_global_settings_untouched() -> None:
    import matplotlib as mpl

    before = list(mpl.rcParams["font.sans-serif"]), list(mpl.rcParams["font.family"])
    fig, ax = new_figure()
    ax.set_title("进度")
    fig._repr_png_()
    assert (list(mpl.rcParams["font.sans-serif"]), list(mpl.rcParams["font.family"])) == before


def test_chart_shows_inline_as_png() -> None:
    fig, _ = new_figure((2.0, 1.0))
    assert isinstance(fig, Chart)
    assert fig._repr_png_().startswith(b"\x89PNG")


def _stale_cache(config: Path) -> None:
    """A matplotlib font cache built before the CJK font was installed (its entries removed)."""
    env = {**os.environ, "MPLCONFIGDIR": str(config)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True)
    (cache,) = config.glob("fontlist-*.json")
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["ttflist"] = [f for f in data["ttflist"] if f["name"] not in plotting.CJK_FONTS]
    cache.write_text(json.dumps(data), encoding="utf-8")


def test_demo_after_font_install_prints_no_findfont_lines(tmp_path: Path) -> None:
    """The font was installed after matplotlib built its cache: the demo finds it (the font
    manager's own rebuild), prints not one 'findfont' line and rewrites the cache."""
    if not HAS_CJK:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    config = tmp_path / "mpl"
    config.mkdir()
    _stale_cache(config)
    env = {**os.environ, "MPLCONFIGDIR": str(config)}
    run = subprocess.run([sys.executable, "-m", "tanfeng.cli", "demo", "--out", str(tmp_path / "out")],
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    log = run.stdout + run.stderr
    assert log.count("findfont") == 0
    assert "missing from font" not in log
    (cache,) = config.glob("fontlist-*.json")
    assert any(f["name"] in plotting.CJK_FONTS for f in json.loads(cache.read_text(encoding="utf-8"))["ttflist"])


def test_demo_without_cjk_font_writes_everything_and_says_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tanfeng.cli import main

    monkeypatch.setattr(plotting, "CJK_FONTS", ("No Such CJK Font",))
    cjk_font.cache_clear()
    try:
        assert cjk_font() is None
        assert main(["demo", "--out", str(tmp_path)]) == 0
    finally:
        cjk_font.cache_clear()
    err = capsys.readouterr().err
    assert err.count("tanfeng: 提示: 未找到中文字体") == 1
    assert "apt-get install fonts-noto-cjk" in err
    assert {p.name for p in (tmp_path / "charts").glob("*.png")} >= {"two_high.png", "progress.png", "swap.png"}
    assert (tmp_path / "results.xlsx").stat().st_size > 10_000
    assert (tmp_path / "report.html").exists() and (tmp_path / "report.md").exists()
    # the charts carry ids for Chinese text; the report gives each id its text
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## 图中编号（未安装中文字体，图表以编号代替中文）" in md
    assert "- towns.png: [1] " in md and "店口镇" in md.split("## 图中编号")[1]


def test_label_by_ids_replaces_chinese_text_only() -> None:
    from tanfeng.plotting import label_by_ids

    fig, ax = new_figure((3.0, 2.0))
    ax.set_title("Progress 进度")
    ax.set_xlabel("tce")
    ax.set_yticks([0, 1], ["店口镇", "陶朱街道"])
    key = label_by_ids(fig)
    assert sorted(key.values()) == sorted(["Progress 进度", "店口镇", "陶朱街道"]) and len(key) == 3
    assert key[ax.get_title()] == "Progress 进度" and ax.get_xlabel() == "tce"

"""Charts render Chinese text with a real CJK font: no 'missing glyph' warning."""

from __future__ import annotations

import warnings

from tanfeng.plotting import cjk_font, new_figure, save


def test_cjk_font_renders_without_missing_glyphs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert cjk_font()
    fig, ax = new_figure()
    ax.bar(["陶朱街道", "店口镇"], [3, 5], label="腾出用能（吨标准煤）")
    ax.set_title("诸暨市 腾笼换鸟 进度")
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        save(fig, tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 1000

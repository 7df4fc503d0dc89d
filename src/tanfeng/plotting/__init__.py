"""Charts with Chinese labels (matplotlib).

Each chart function returns a :class:`matplotlib.figure.Figure` and, given ``path``, saves a PNG.
Chinese text needs a CJK font: tanfeng looks for the fonts Chinese users already have
(Microsoft YaHei, SimHei, PingFang SC, Noto Sans CJK SC, Source Han Sans, WenQuanYi) and uses
the first one found. Where none is installed, :func:`cjk_font` raises a `TanfengError` that says
how to get one (Debian/Ubuntu: ``apt-get install fonts-noto-cjk``; Windows and macOS ship one).

Topic modules: :mod:`tanfeng.plotting.screening`, :mod:`.targets`, :mod:`.swap`, :mod:`.per_mu`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TanfengError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["CJK_FONTS", "PALETTE", "cjk_font", "finish", "labels_for", "new_figure", "save", "text_kwargs"]

#: Font families tried in order; the first installed one is used.
CJK_FONTS = (
    "Microsoft YaHei", "SimHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Hiragino Sans GB", "Heiti SC", "Arial Unicode MS",
)

#: Colours used across charts (matplotlib's tab10, in a fixed order).
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")


def labels_for(table: dict[str, dict[str, str]], lang: str) -> dict[str, str]:
    """A chart module's labels in ``lang``; an unknown language raises ValueError naming the choices."""
    try:
        return table[lang]
    except (KeyError, TypeError):
        raise ValueError(f"lang={lang!r}: use one of {sorted(table)}") from None


@functools.cache
def cjk_font() -> str:
    """Name of the installed CJK font family that charts use.

    Raises
    ------
    TanfengError
        If none of `CJK_FONTS` is installed; the message says how to install one.
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    # a font file may have been installed after matplotlib built its cache
    font_manager.fontManager = font_manager.FontManager()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise TanfengError(
        "no Chinese (CJK) font found for chart labels. Install one: Debian/Ubuntu "
        "'apt-get install fonts-noto-cjk'; Fedora 'dnf install google-noto-sans-cjk-fonts'; "
        "Windows and macOS ship Microsoft YaHei / PingFang SC. Then restart Python."
    )


def new_figure(figsize: tuple[float, float] = (8.0, 5.0), **kwargs: Any) -> tuple[Figure, Any]:
    """A Figure and Axes that render Chinese text (no global rcParams change)."""
    from matplotlib.figure import Figure

    cjk_font()  # fail early, with the install hint, when no CJK font exists
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot(**kwargs)
    fig.set_facecolor("white")
    return fig, ax


def text_kwargs() -> dict[str, Any]:
    """``{"fontfamily": <cjk font>}`` for text calls (titles, labels, annotations, legends)."""
    return {"fontfamily": [cjk_font(), "DejaVu Sans"]}


def finish(fig: Figure) -> Figure:
    """Give every text in the figure the CJK font (titles, tick labels, legends, annotations)."""
    family = [cjk_font(), "DejaVu Sans"]
    for t in fig.findobj(lambda a: hasattr(a, "set_fontfamily") and hasattr(a, "get_text")):
        t.set_fontfamily(family)  # type: ignore[attr-defined]
    return fig


def save(fig: Figure, path: str | Path | None, dpi: int = 150) -> Figure:
    """Apply the CJK font to all text and, if ``path`` is given, save a PNG there."""
    finish(fig)
    if path is not None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(p, dpi=dpi, facecolor="white")
    return fig

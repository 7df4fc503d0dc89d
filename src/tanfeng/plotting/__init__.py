"""Charts with Chinese labels (matplotlib).

Each chart function returns a :class:`Chart` (a matplotlib Figure) and, given ``path``, saves a
PNG. Chinese text needs a CJK font: tanfeng looks for the fonts Chinese users already have
(Microsoft YaHei, SimHei, PingFang SC, Noto Sans CJK SC, Source Han Sans, WenQuanYi) and puts the
first one found at the head of matplotlib's ``font.sans-serif`` fallback list, inside an
``rc_context`` while a chart is built and drawn — the global settings stay untouched. A font
installed after matplotlib built its font cache is found by the font manager's own rebuild.
Without any CJK font the charts are still drawn (:func:`cjk_font` returns None and
:data:`FONT_HINT` says how to install one: Debian/Ubuntu ``apt-get install fonts-noto-cjk``).

A :class:`Chart` shows itself inline in Jupyter (``_repr_png_``), with or without pyplot.
All value labels use one number format, :func:`fmt_number`.

Topic modules: :mod:`tanfeng.plotting.screening`, :mod:`.targets`, :mod:`.swap`, :mod:`.per_mu`.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axis import Axis

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "CATEGORY_COLOURS",
    "CJK_FONTS",
    "FONT_HINT",
    "GREY",
    "INK",
    "LABEL_DIGITS",
    "PALETTE",
    "Chart",
    "building",
    "category_colours",
    "chart",
    "chart_rc",
    "cjk_font",
    "finish",
    "fmt_number",
    "label_by_ids",
    "labels_for",
    "log_axis",
    "new_figure",
    "number_axis",
    "number_format",
    "save",
    "text_kwargs",
]

#: Font families tried in order; the first installed one is used.
CJK_FONTS = (
    "Microsoft YaHei", "SimHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Hiragino Sans GB", "Heiti SC", "Arial Unicode MS",
)

#: How to get a CJK font (said once when none is installed).
FONT_HINT = {
    "zh": "未找到中文字体，图表中的中文无法显示。安装一个即可：Debian/Ubuntu 'apt-get install fonts-noto-cjk'；"
          "Fedora 'dnf install google-noto-sans-cjk-fonts'；Windows 和 macOS 自带微软雅黑 / 苹方。",
    "en": "no Chinese (CJK) font found, so charts cannot show Chinese text. Install one: Debian/Ubuntu "
          "'apt-get install fonts-noto-cjk'; Fedora 'dnf install google-noto-sans-cjk-fonts'; "
          "Windows and macOS ship Microsoft YaHei / PingFang SC.",
}

#: Colours used across charts (matplotlib's tab10, in a fixed order).
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
#: Grey of what is not singled out (not flagged, other sources, the pace line).
GREY = PALETTE[7]
#: Dark ink of reference lines and their notes (thresholds, required amounts).
INK = "#333333"
#: Colours of categories (sectors, sources, towns): the palette without its grey.
CATEGORY_COLOURS = tuple(c for c in PALETTE if c != GREY)


def category_colours(names: Iterable[Any], rest: Iterable[Any] = ()) -> dict[Any, str]:
    """A colour per category (sector, source, town), in order from :data:`CATEGORY_COLOURS`
    (repeating after the last); the ``rest`` — the categories not singled out — :data:`GREY`.

    >>> category_colours(["枫桥镇", "店口镇"], rest=["其他 3 个镇街"])
    {'枫桥镇': '#1f77b4', '店口镇': '#d62728', '其他 3 个镇街': '#7f7f7f'}
    """
    out = {name: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, name in enumerate(names)}
    return out | dict.fromkeys(rest, GREY)


def labels_for(table: dict[str, dict[str, str]], lang: str) -> dict[str, str]:
    """A chart module's labels in ``lang``; an unknown language raises ValueError naming the choices."""
    try:
        return table[lang]
    except (KeyError, TypeError):
        raise ValueError(f"lang={lang!r}: use one of {sorted(table)}") from None


def _first_cjk(names: set[str]) -> str | None:
    return next((n for n in CJK_FONTS if n in names), None)


@functools.cache
def cjk_font() -> str | None:
    """Name of the installed CJK font family that charts use, or None when there is none.

    A font installed after matplotlib built its font cache is found by rebuilding the cache
    (matplotlib's own ``FontManager`` scan, written back so later runs start clean) and adding
    the new font files to the running font manager with :meth:`FontManager.addfont`.
    """
    from matplotlib import font_manager as fm

    found = _first_cjk({f.name for f in fm.fontManager.ttflist})
    if found is not None:
        return found
    try:
        fresh = fm._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]  # rescans the system, rewrites the cache
    except Exception:  # pragma: no cover - an unwritable cache folder: scan without saving
        fresh = fm.FontManager()
    known = {f.fname for f in fm.fontManager.ttflist}
    for path in dict.fromkeys(f.fname for f in fresh.ttflist if f.fname not in known):
        with contextlib.suppress(Exception):  # a broken font file is matplotlib's to skip
            fm.fontManager.addfont(path)
    return _first_cjk({f.name for f in fm.fontManager.ttflist})


def chart_rc() -> dict[str, Any]:
    """The rcParams charts are built and drawn with: the CJK font first in ``font.sans-serif``."""
    import matplotlib as mpl

    font = cjk_font()
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f != font]
    return {"font.family": ["sans-serif"], "font.sans-serif": [font, *rest] if font else rest}


class Chart(Figure):
    """A matplotlib Figure that builds, draws and measures its text with :func:`chart_rc`.

    It shows inline in Jupyter (``_repr_png_``) even where pyplot was never imported.
    """

    def draw(self, renderer: Any) -> None:
        with building():
            super().draw(renderer)

    def get_tightbbox(self, renderer: Any = None, *args: Any, **kwargs: Any) -> Any:
        with building():
            return super().get_tightbbox(renderer, *args, **kwargs)

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100, facecolor="white")
        return buf.getvalue()


@contextlib.contextmanager
def building() -> Iterator[None]:
    """Context in which a chart's artists are created (their font properties take ``chart_rc``)."""
    import matplotlib as mpl

    rc: Any = chart_rc()
    with mpl.rc_context(rc):
        yield


def chart(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator of chart functions: the chart's artists are created inside :func:`building`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with building():
            return fn(*args, **kwargs)

    return wrapper


def new_figure(figsize: tuple[float, float] = (8.0, 5.0), **kwargs: Any) -> tuple[Chart, Any]:
    """A :class:`Chart` and its Axes (no global rcParams change)."""
    with building():
        fig = Chart(figsize=figsize, layout="constrained")
        ax = fig.add_subplot(**kwargs)
    fig.set_facecolor("white")
    return fig, ax


def text_kwargs() -> dict[str, Any]:
    """Keyword arguments for text calls; empty now that the font comes from :func:`chart_rc`.

    Kept so that code written against earlier versions (``ax.set_title(t, **text_kwargs())``)
    still runs.
    """
    return {}


#: Significant digits the largest number label of a chart keeps (the others share its decimals).
LABEL_DIGITS = 4


def number_format(values: Any) -> Callable[[float], str]:
    """The one format of a chart's number labels: thousands separated, with the decimals that give
    the largest value `LABEL_DIGITS` significant digits (at most 3), shared by every label.

    >>> f = number_format([15755.2, 738.6, 81.26])
    >>> [f(v) for v in (15755.2, 738.6, 81.26, float("nan"))]
    ['15,755', '739', '81', '—']
    >>> f = number_format([1.966, 1.986])
    >>> f(1.966), f(0.5)
    ('1.966', '0.500')
    """
    import numpy as np

    arr = np.abs(np.asarray(values, dtype=float).ravel())
    arr = arr[np.isfinite(arr) & (arr > 0)]
    top = float(arr.max()) if arr.size else 1.0
    decimals = int(min(3, max(0, LABEL_DIGITS - 1 - math.floor(math.log10(top)))))

    def fmt(value: float) -> str:
        if value is None or not math.isfinite(float(value)):
            return "—"
        return f"{float(value):,.{decimals}f}"

    return fmt


def fmt_number(value: float) -> str:
    """One number on its own in the chart format (trailing zeros dropped).

    >>> fmt_number(15755.2), fmt_number(0.1229), fmt_number(8.0)
    ('15,755', '0.123', '8')
    """
    text = number_format([value])(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


class _TickFormatter(Formatter):
    """Tick labels thousands separated, with the fewest decimals that tell the ticks apart."""

    decimals = 0

    def format_ticks(self, values: Any) -> list[str]:
        import numpy as np

        v = np.asarray(values, dtype=float)
        steps = np.abs(np.diff(v))
        step = float(steps[steps > 0].min()) if (steps > 0).any() else 1.0
        self.decimals = int(min(6, max(0, -math.floor(math.log10(step) + 1e-9))))
        return [self(x) for x in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{x:,.{self.decimals}f}"


def number_axis(axis: Axis) -> None:
    """Tick labels of a linear value axis in the chart number format (``15,000``, ``0.5``)."""
    axis.set_major_formatter(_TickFormatter())


def _plain(x: float, _pos: int | None = None) -> str:
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else ""
    return f"{x:,.0f}" if abs(x) >= 1 else f"{x:.6g}"


def log_axis(axis: Axis) -> None:
    """Tick labels of a log (or symlog) axis as plain numbers (``0.1``, ``10``, ``1,000``), not
    powers of ten: an analyst reads 1,000 tce, not 10³."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(_plain))


def finish(fig: Figure) -> Figure:
    """Kept for earlier callers: charts need no finishing step now (the font comes from rc)."""
    return fig


_HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def label_by_ids(fig: Figure) -> dict[str, str]:
    """Without a CJK font: replace each text holding Chinese with a short id (``[1]``, ``[2]`` …)
    so the chart shows no empty boxes; returns (and keeps as ``fig.label_key``) id → the text."""
    from matplotlib.text import Text

    key: dict[str, str] = dict(getattr(fig, "label_key", {}))
    seen = {v: k for k, v in key.items()}
    for t in fig.findobj(Text):
        text = t.get_text()
        if text and _HAN.search(text):
            if text not in seen:
                seen[text] = f"[{len(seen) + 1}]"
                key[seen[text]] = text
            t.set_text(seen[text])
    fig.label_key = key  # type: ignore[attr-defined]
    return key


def save(fig: Figure, path: str | Path | None, dpi: int = 150) -> Figure:
    """Save a PNG at ``path`` (if given) and return the figure. Without a CJK font, texts holding
    Chinese are labelled by ids first (:func:`label_by_ids`; the key is ``fig.label_key``)."""
    if cjk_font() is None:
        label_by_ids(fig)
    if path is not None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(p, dpi=dpi, facecolor="white")
    return fig

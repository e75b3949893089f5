"""Text measurements that matplotlib repeats for every renderer of a figure.

To lay out a text, matplotlib asks the renderer for its width, height and descent
(``RendererAgg.get_text_width_height_descent``: FreeType shapes the string, about 0.3 ms each)
and caches the answer per renderer instance (``matplotlib.text._get_text_metrics_function``).
A report figure is measured by three renderers in turn: the one of ``Figure.tight_layout``,
the one of the inline backend's ``bbox_inches="tight"`` pre-pass and the one of the final draw
(a new renderer, because the canvas takes the cropped size). Each starts with an empty cache, so
every tick label, title and legend entry is shaped three times, and again in the next figure.

:func:`share_text_metrics` gives all Agg renderers of the same resolution one cache. The answer
depends only on the string, the font properties, math mode, the resolution and the rcParams that
choose fonts and hinting, and all of those are part of the key, so a changed rcParam never reads
a stale answer. Pixels are unchanged: the report runner's kernels use it, and the images of the
reports are byte-identical with and without it (tests/plots/test_text_metrics.py).
"""

from __future__ import annotations

import functools
import threading

__all__ = ["share_text_metrics"]

#: rcParams that change which font a FontProperties resolves to, or how a string is measured
RC_KEYS = (
    "text.hinting",
    "text.usetex",
    "text.latex.preamble",
    "font.family",
    "font.serif",
    "font.sans-serif",
    "font.monospace",
    "font.cursive",
    "font.fantasy",
    "mathtext.fontset",
    "mathtext.default",
    "mathtext.fallback",
    "mathtext.rm",
    "mathtext.it",
    "mathtext.bf",
    "mathtext.sf",
    "mathtext.tt",
    "mathtext.cal",
)
#: entries per cache (resolution and rcParams): a city report measures about 3,000 strings
MAXSIZE = 16384

_LOCK = threading.Lock()
_INSTALLED: list = []  # [original function] once installed


def _rc_key() -> tuple:
    import matplotlib as mpl

    rc = mpl.rcParams
    return tuple(tuple(v) if isinstance(v, list) else v for v in (rc.get(k) for k in RC_KEYS))


def share_text_metrics() -> bool:
    """Share matplotlib's text-metrics cache between Agg renderers of the same resolution.

    Idempotent. Returns whether the cache is shared: ``False`` (and nothing changed) when this
    matplotlib has no ``matplotlib.text._get_text_metrics_function`` of the expected form.

    Examples
    --------
    >>> shared = share_text_metrics()  # False with a matplotlib that caches another way (3.10)
    >>> _restore()  # matplotlib's own cache per renderer again
    """
    import matplotlib.text as mtext

    with _LOCK:
        if _INSTALLED:
            return True
        original = getattr(mtext, "_get_text_metrics_function", None)
        if original is None or not callable(original):
            return False
        from matplotlib.backends.backend_agg import RendererAgg

        shared: dict = {}

        def get_text_metrics_function(renderer, _original=original):
            if type(renderer) is not RendererAgg:
                return _original(renderer)
            key = (float(renderer.dpi), _rc_key())
            fn = shared.get(key)
            if fn is None:
                # a renderer of its own (1 x 1 pixels): measuring uses only its resolution
                probe = RendererAgg(1, 1, renderer.dpi)

                @functools.lru_cache(maxsize=MAXSIZE)
                def fn(text, fontprop, ismath, dpi):
                    return probe.get_text_width_height_descent(text, fontprop, ismath=ismath)

                shared[key] = fn
            return fn

        mtext._get_text_metrics_function = get_text_metrics_function
        _INSTALLED.append(original)
        return True


def _restore() -> None:
    """Undo :func:`share_text_metrics` (tests)."""
    import matplotlib.text as mtext

    with _LOCK:
        if _INSTALLED:
            mtext._get_text_metrics_function = _INSTALLED.pop()

"""One text-metrics cache for matplotlib's Agg renderers: same pixels, fewer measurements."""

from __future__ import annotations

import io

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text as mtext  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402

from compare import _text_metrics  # noqa: E402

pytestmark = pytest.mark.skipif(
    not hasattr(mtext, "_get_text_metrics_function"),
    reason=f"matplotlib {matplotlib.__version__} caches text metrics another way (sharing is a no-op there)",
)


@pytest.fixture
def shared():
    assert _text_metrics.share_text_metrics() is True
    yield
    _text_metrics._restore()


def _text_heavy_png() -> bytes:
    """A figure like a report's: many tick labels, rotated and multi-line text, math, a legend."""
    fig, axes = plt.subplots(2, 2, figsize=(9.5, 6.5))
    for i, ax in enumerate(axes.flat):
        for j in range(4):
            ax.plot(range(2012, 2020), [(k * (j + 1)) % 7 + i for k in range(8)], label=f"Väestö {j} (%)")
        ax.set_title(f"Vantaa, 2012-2019: panel {i}\nsecond line", fontsize=9)
        ax.set_xlabel("year")
        ax.set_ylabel(r"$D = \frac{1}{2}\sum_i |a_i - b_i|$")
        ax.tick_params(axis="x", labelrotation=45)
        ax.legend(fontsize=7, loc="best")
    fig.suptitle("Index of dissimilarity of people born abroad")
    fig.text(0.01, 0.005, "Source: Statistics Finland, Paavo (CC BY 4.0)", fontsize=6.5)
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def test_figures_are_byte_identical_with_the_shared_cache():
    before = _text_heavy_png()
    assert _text_metrics.share_text_metrics() is True
    try:
        first, again = _text_heavy_png(), _text_heavy_png()  # the second reads the shared cache only
    finally:
        _text_metrics._restore()
    assert first == before
    assert again == before


def test_renderers_of_one_resolution_share_one_cache(shared):
    a, b = RendererAgg(640, 480, 100), RendererAgg(300, 200, 100)
    fa, fb = mtext._get_text_metrics_function(a), mtext._get_text_metrics_function(b)
    assert fa is fb
    assert mtext._get_text_metrics_function(RendererAgg(10, 10, 200)) is not fa
    fig, ax = plt.subplots()
    ax.set_title("measured once")
    fig.canvas.draw()
    hits = fa.cache_info().hits
    fig.savefig(io.BytesIO(), format="png", dpi=100, bbox_inches="tight")  # two more renderers
    plt.close(fig)
    assert fa.cache_info().hits > hits


def test_a_changed_font_rcparam_is_measured_again_not_read_from_the_cache(shared):
    r = RendererAgg(10, 10, 100)
    default = mtext._get_text_metrics_function(r)
    with matplotlib.rc_context({"font.sans-serif": ["DejaVu Sans Mono", "DejaVu Sans"]}):
        other = mtext._get_text_metrics_function(r)
        assert other is not default
        prop = matplotlib.font_manager.FontProperties(family="sans-serif", size=10)
        mono = other("iiiii", prop, False, 100)[0]
    assert default("iiiii", prop.copy(), False, 100)[0] < mono, (
        "DejaVu Sans's i is narrower than the mono one"
    )


def test_sharing_twice_installs_once_and_restore_gives_matplotlibs_own_back():
    _text_metrics._restore()
    own = mtext._get_text_metrics_function
    assert _text_metrics.share_text_metrics() and _text_metrics.share_text_metrics()
    assert len(_text_metrics._INSTALLED) == 1
    _text_metrics._restore()
    assert mtext._get_text_metrics_function is own

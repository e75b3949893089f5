

def test_year_axis_prints_whole_years_for_two_periods():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from compare.plots import year_axis

    def labels(fix):
        fig, ax = plt.subplots()
        ax.plot([2022, 2023], [0.21, 0.23])
        if fix:
            year_axis(ax)
        fig.canvas.draw()
        out = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        plt.close(fig)
        return out

    assert not all(t.isdigit() for t in labels(False))  # matplotlib alone: 2022.0, 2022.2, ...
    got = labels(True)
    assert {"2022", "2023"} <= set(got) and all(t.isdigit() for t in got)


def _profiles(n_cities: int):
    import pandas as pd

    rows = [
        {"group_definition": "g", "city": f"c{i:02d}", "distance": d, "value": 0.3 - 0.01 * i - d / 1e5}
        for i in range(n_cities)
        for d in (0.0, 1000.0, 2000.0)
    ]
    return pd.DataFrame(rows)


def _legend_texts(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def test_sixteen_cities_get_sixteen_colours_in_the_network_figures():
    """tab10 gives every city past the tenth the same colour; the comparison must tell 16 apart."""
    import matplotlib

    matplotlib.use("Agg")
    from compare.plots.methods import plot_profiles

    fig = plot_profiles(_profiles(16), title="t", source="s")
    colours = {tuple(line.get_color()) for line in fig.axes[0].get_lines()}
    assert len(colours) == 16
    # one legend of the 16 cities under the panels instead of one covering each panel's lines
    assert _legend_texts(fig) == [] and len(fig.legends) == 1
    assert len(fig.legends[0].get_texts()) == 16
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # the returned figure is closed (no pyplot canvas)
    canvas.draw()
    renderer = canvas.get_renderer()
    legend_box = fig.legends[0].get_window_extent(renderer)
    panels_bottom = min(ax.get_tightbbox(renderer).y0 for ax in fig.axes if ax.get_visible())
    source_top = max(t.get_window_extent(renderer).y1 for t in fig.texts if t.get_position()[1] < 0.5)
    assert source_top <= legend_box.y0 and legend_box.y1 <= panels_bottom, "the legend overlaps"


def test_a_city_among_many_peers_stands_out_and_the_peers_share_one_legend_entry():
    import matplotlib

    matplotlib.use("Agg")
    from compare.plots._style import MAX_NAMED_PEERS
    from compare.plots.methods import plot_profiles

    few = plot_profiles(_profiles(MAX_NAMED_PEERS + 1), title="t", source="s", highlight="c00")
    assert len(_legend_texts(few)) == MAX_NAMED_PEERS + 1  # every peer named, as before
    many = plot_profiles(_profiles(14), title="t", source="s", highlight="c03")
    assert sorted(_legend_texts(many)) == ["c03", "other cities of the network (13)"]
    lines = many.axes[0].get_lines()
    assert len(lines) == 14  # no peer is dropped from the figure
    grey = [ln for ln in lines if ln.get_color() == "0.7"]
    assert len(grey) == 13 and all(ln.get_zorder() < 3 for ln in grey)



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

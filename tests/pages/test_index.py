import json

from compare.reports import JobOutcome, render_index, write_index, write_key_results


def test_user_text_is_escaped_everywhere(tmp_path):
    evil = '<script>alert("x")</script>'
    o = JobOutcome(
        "vantaa",
        evil,
        "city",
        "failed",
        error={"cell_index": 3, "cell_source": evil, "ename": "ValueError", "evalue": evil},
        meta={"country": evil, "model_type": evil},
    )
    write_key_results(tmp_path, "vantaa", {"model_type": evil, "key_figures": {evil: evil}})
    page = render_index({"id": "n", "name": evil, "description": evil, "attribution": [evil]}, [o], tmp_path)
    assert "<script>" not in page
    assert page.count("&lt;script&gt;") >= 7


def test_key_figures_and_model_type_come_from_the_results_file(tmp_path):
    write_key_results(
        tmp_path,
        "berlin",
        {
            "model_type": "Quartiersmanagement [mainstreamed]",
            "key_figures": {"areas": 448, "D foreigners (2024-H2)": 0.1717},
        },
    )
    (tmp_path / "berlin.html").write_text("<html></html>")
    o = JobOutcome("berlin", "Berlin", "city", "cached", meta={"country": "DE"})
    page = render_index({"id": "n", "name": "N"}, [o], tmp_path)
    assert "Quartiersmanagement [mainstreamed]" in page
    assert "<dt>areas</dt><dd>448</dd>" in page
    assert "<dd>0.172</dd>" in page
    assert "current (unchanged)" in page
    assert '<a href="berlin.html">Berlin</a>' in page


def test_a_city_without_report_is_not_linked(tmp_path):
    o = JobOutcome("espoo", "Espoo", "city", "not run")
    page = render_index({"id": "n", "name": "N"}, [o], tmp_path)
    assert 'href="espoo.html"' not in page
    assert '<tr class="other">' in page


def test_failed_city_links_its_kept_previous_report(tmp_path):
    (tmp_path / "espoo.html").write_text("<html></html>")
    o = JobOutcome(
        "espoo",
        "Espoo",
        "city",
        "failed",
        previous_kept=True,
        error={
            "cell_index": 7,
            "cell_source": "x = 1/0",
            "ename": "ZeroDivisionError",
            "evalue": "division by zero",
        },
    )
    page = write_index({"id": "n", "name": "N"}, [o], tmp_path).read_text()
    assert "FAILED in cell 7" in page
    assert "ZeroDivisionError: division by zero" in page
    assert "previous report kept" in page and 'href="espoo.html"' in page
    assert "x = 1/0" in page


def test_comparison_report_is_listed_network_wide(tmp_path):
    (tmp_path / "network-comparison.html").write_text("<html></html>")
    o = JobOutcome("network-comparison", "Network comparison", "comparison", "ran")
    page = render_index({"id": "n", "name": "N"}, [o], tmp_path)
    assert '<a href="network-comparison.html">Network comparison</a>' in page


def test_key_results_round_trip_numpy_values(tmp_path):
    import numpy as np

    from compare.reports import read_key_results

    write_key_results(tmp_path, "Vantaa", {"d": np.float64(0.25), "n": np.int64(3), "x": np.nan})
    assert read_key_results(tmp_path, "vantaa") == {"d": 0.25, "n": 3, "x": None}
    assert json.loads((tmp_path / "vantaa.results.json").read_text())["n"] == 3

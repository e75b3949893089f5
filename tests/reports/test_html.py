import nbformat

from compare.reports.html import esc, notebook_to_html, provenance_html


def _nb():
    code = nbformat.v4.new_code_cell("secret_code_marker = 41 + 1\nsecret_code_marker")
    code.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1)]
    code.execution_count = 1
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), code])


def test_code_is_hidden_by_default_and_outputs_kept():
    page = notebook_to_html(_nb())
    assert "secret_code_marker" not in page
    assert "42" in page
    assert "Title" in page


def test_show_code_keeps_the_code():
    assert "secret_code_marker" in notebook_to_html(_nb(), show_code=True)


def test_remote_scripts_are_dropped_so_the_page_renders_offline():
    page = notebook_to_html(_nb())
    assert 'src="https://' not in page and "src='https://" not in page


def test_title_back_link_and_provenance_are_escaped():
    rec = {"parameters": {"city": "<img src=x onerror=alert(1)>"}, "fingerprint": "f1"}
    page = notebook_to_html(_nb(), title="<b>Vantaa</b>", provenance=rec)
    assert "<title>&lt;b&gt;Vantaa&lt;/b&gt;</title>" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="index.html"' in page
    assert page.index('id="provenance"') < page.index("</body>")


def test_esc_escapes_quotes_for_attributes():
    assert esc('"><script>') == "&quot;&gt;&lt;script&gt;"
    assert esc(None) == ""


def test_provenance_html_lists_every_data_checksum():
    out = provenance_html({"data": {"a.csv": "abc", "b.csv": "def"}})
    assert out.count("<tr><td>data</td>") == 2

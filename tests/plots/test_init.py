import subprocess
import sys

import compare.plots as plots


def test_every_reexported_plot_function_resolves():
    for name in plots.__all__:
        assert callable(getattr(plots, name)), name


def test_importing_the_plots_package_does_not_import_every_plot_module():
    code = "import sys, compare.plots; print('compare.plots.governance' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""compare._jit: eager numba compilations deferred to the first call, same results."""

from __future__ import annotations

import subprocess
import sys


def test_giddy_import_leaves_fisher_jenks_uncompiled_and_first_call_gives_the_same_bins():
    code = (
        "import numpy as np\n"
        "from compare._jit import import_deferring_jit, _DeferredJit\n"
        "import_deferring_jit('giddy.markov')\n"
        "import mapclassify, mapclassify.classifiers as c, numba\n"
        "f = c._fisher_jenks_means\n"
        "assert isinstance(f, _DeferredJit) and f._compiled is None, type(f)\n"
        "assert numba.njit.__module__.startswith('numba'), numba.njit\n"
        "x = np.array([1.0, 2.0, 2.5, 8.0, 9.0, 9.5, 20.0, 21.0])\n"
        "print(mapclassify.FisherJenks(x, k=3).bins.tolist())\n"
        "assert f._compiled is not None\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[2.5, 9.5, 21.0]"


def test_module_already_imported_is_returned_as_it_is():
    import json

    from compare._jit import import_deferring_jit

    assert import_deferring_jit("json") is json

"""Where a network's report CPU time goes: cells against figure layout and rendering.

Re-runs the code cells of each executed notebook of a report folder in a fresh process of its own
(IPython's inline backend, the network's shared tables and the text-metrics sharing as the
runner's kernels have them), one notebook after the other, and prints per notebook the CPU seconds
of all cells and of matplotlib's figure layout and rendering (``Figure.tight_layout`` and
``FigureCanvasBase.print_figure``: the inline backend's PNGs). Building the plots is not counted
as figure time, so the figure share is a lower bound.

With ``--baseline-seconds B`` it also prints the CPU budget of a run 3x faster than ``B`` on this
machine's cores (``B / 3 * cores``) against what the figures alone take.

Run the reports first (``python -m compare reports run helsinki-berlin``), then::

    .venv/bin/python benchmarks/bench_figures.py --network helsinki-berlin --baseline-seconds 50.7
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def _one(path: Path) -> dict:
    """Run one executed notebook's code cells here; CPU seconds of the cells and of the figures."""
    os.chdir(path.parent)
    nb = json.loads(path.read_text(encoding="utf-8"))
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.enable_gui = lambda gui=None: None
    shell.enable_matplotlib("inline")
    import matplotlib.backend_bases as bb
    import matplotlib.figure as mf

    from compare._text_metrics import share_text_metrics

    shared = share_text_metrics()  # as the report runner's kernels have it
    figure = {"s": 0.0, "depth": 0}

    def timed(owner, name):
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if figure["depth"]:
                return original(*args, **kwargs)
            figure["depth"] += 1
            t0 = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                figure["s"] += time.process_time() - t0
                figure["depth"] -= 1

        setattr(owner, name, wrapper)

    timed(bb.FigureCanvasBase, "print_figure")
    timed(mf.Figure, "tight_layout")
    # what the runner's kernel zygote imports before the first cell (its giddy without numba compile)
    from compare.reports._zygote import _preload

    _preload([str(path)])

    t0 = time.process_time()
    errors = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            # not silent: a figure a cell ends with is rendered by the display hook, as in a kernel
            result = shell.run_cell("".join(cell["source"]), silent=False)
            errors += bool(result.error_in_exec or result.error_before_exec)
    cells = time.process_time() - t0
    return {"cells_s": cells, "figures_s": figure["s"], "errors": errors, "shared_text": shared}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--network", default="helsinki-berlin")
    parser.add_argument("--reports", help="report folder (default: reports/<network>)")
    parser.add_argument("--baseline-seconds", type=float, help="wall time of the baseline's cold run")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(Path(args.one))))
        return
    from compare.paths import SHARED_CACHE_ENV, project_root
    from compare.reports.runner import _worker_env

    folder = Path(args.reports or project_root() / "reports" / args.network).resolve()
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        hint = f"python -m compare reports run {args.network}"
        raise SystemExit(f"{folder}: no executed notebooks; run `{hint}` first")
    # one thread per math library, as the runner gives each of its 2 kernels on 2 cores
    env = _worker_env(1) | {SHARED_CACHE_ENV: str(folder / ".shared")}
    rows = []
    for nb in notebooks:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(nb)], env=env, capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append((nb.stem, r))
        failing = f", {r['errors']} failing cells" if r["errors"] else ""
        print(
            f"{nb.stem:24s} cells {r['cells_s']:6.2f} CPU-s, figures {r['figures_s']:6.2f} "
            f"({r['figures_s'] / r['cells_s']:.0%}){failing}"
        )
    cells = sum(r["cells_s"] for _, r in rows)
    figs = sum(r["figures_s"] for _, r in rows)
    print(f"{'all notebooks':24s} cells {cells:6.2f} CPU-s, figures {figs:6.2f} ({figs / cells:.0%}); "
          f"text metrics shared: {all(r['shared_text'] for _, r in rows)}")  # fmt: skip
    if args.baseline_seconds:
        cores = os.cpu_count() or 1
        wall = args.baseline_seconds / 3
        budget = wall * cores
        share = figs / budget
        head = f"a run 3x faster than {args.baseline_seconds:.1f} s takes {wall:.1f} s"
        print(f"{head}: at most {budget:.1f} CPU-s")
        print(f"    on {cores} cores; the figures alone take {figs:.1f} CPU-s ({share:.0%} of it), leaving")
        print(
            f"    {budget - figs:.1f} CPU-s for the rest of the cells ({cells - figs:.1f} today) and for the"
        )
        print("    kernels' start, papermill, the HTML and the runner")


if __name__ == "__main__":
    main()

"""Speed of `python -m compare reports run` on the example network.

Measures, in each of ``--repeat`` repetitions (alternating, so that slow phases of the shared
host hit both variants alike):

1. cold parallel run (``--jobs 2 --force``) of every city assessment and the network comparison,
   including the HTML conversion and the index;
2. a warm re-run with nothing changed, right after the cold run (a fresh ``python -m compare
   reports run`` process: interpreter start-up and imports included). The fingerprint includes
   a digest of the workbench's own source, so it must run before anyone edits ``src/compare``;
3. the baseline: a serial loop of the papermill CLI over the same notebooks with the same
   parameters (execution only, no HTML);
4. the runner itself with ``--jobs 1``, so that the share of the ratio that comes from running in
   parallel (rather than from the runner's cheaper per-notebook start-up) is visible.

5. the same cold run on a frozen copy of the *baseline* commit (``--baseline``, default: the
   merge base with ``main``), alternating with 1., and every ``*.results.json`` of the two
   compared byte for byte;
6. the same cold run with ``--scheduler`` on a Dask ``LocalCluster`` of ``--jobs`` workers
   (a fresh cluster per repetition, its start-up not counted);
7. once, a network of ``--cities`` (16) grid cities written by the benchmark (the Europe-grid
   partners of ``joining-forces`` and ``segregation-network`` plus a few more centres), cold, and
   the same with its first half of the cities: the time per additional city, and each report's.

The peak memory of each cold run is printed too: the sum over the run's processes, sampled
every 0.25 s, of each one's PSS (a page shared by n processes, as a forked kernel shares its
zygote's, counts 1/n), and beside it the sum of their RSS (which counts shared pages again in
every process: an upper bound).

Targets (issue 16): cold ``--jobs 2`` at least 3x faster than the baseline and 2.5x faster than
the serial papermill loop; warm re-run < 1 s; the 16-city network cold < 90 s, peak RSS < 4 GB;
``--scheduler`` within 15% of ``--jobs 2``. Headline ratios use the fastest time of each
variant (as ``timeit`` does: the least disturbed by other tenants of the host); every
repetition's own ratio is printed too.

Usage: ``.venv/bin/python benchmarks/bench_reports.py [--network helsinki-berlin] [--jobs 2]
[--repeat 3] [--baseline REF] [--cities 16] [--no-dask] [--no-large]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    """CPU seconds used by finished child processes (workers and their kernels included)."""
    t = os.times()
    return t.children_user + t.children_system


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


class _PeakRSS:
    """Peak of the summed memory of this process's descendants, sampled in a thread.

    Each process counts its proportional set size (PSS: a page shared by n processes counts 1/n,
    so the kernels forked from one zygote are not counted n times over) where the system
    reports it, else its RSS. The peak RSS sum is kept too (an upper bound).
    """

    def __init__(self, interval: float = 0.25):
        import threading

        self.interval, self.peak, self.peak_rss = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = total_rss = 0
            for p in me.children(recursive=True):
                try:
                    full = p.memory_full_info()
                    total += getattr(full, "pss", full.rss)
                    total_rss += full.rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self.peak_rss = max(self.peak_rss, total_rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


_LAST_RSS = [0, 0]  # peak PSS sum, peak RSS sum of the last run
_LAST_PLAYBOOK = [0.0]  # seconds the last run spent on the Playbook (it prints them)
#: main when the work on issue 16 began: the code "today's code" of the issue is measured on
BASELINE_REF = "a7b2961"


def _cli(*args: str, cwd: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    with _PeakRSS() as rss:
        proc = subprocess.run(
            [sys.executable, "-m", "compare", "reports", "run", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=env,
        )
    wall = time.perf_counter() - t0
    _LAST_RSS[:] = [rss.peak, rss.peak_rss]
    import re

    m = re.search(r"^playbook: .*?\(([\d.]+) s\)", proc.stdout, flags=re.M)
    _LAST_PLAYBOOK[0] = float(m.group(1)) if m else 0.0
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
        raise SystemExit(f"reports run failed with exit code {proc.returncode}")
    return wall


def _gb(n: int) -> str:
    return f"{n / 1e9:.2f} GB"


def _mem() -> str:
    return f"peak memory {_gb(_LAST_RSS[0])} PSS ({_gb(_LAST_RSS[1])} RSS summed)"


def _snapshot() -> None:
    """Re-run this script on a frozen copy of the workbench (src, notebooks, data configs).

    Report fingerprints include a digest of the workbench's own source; in a shared working
    tree other people's edits during the run would (rightly) invalidate the warm re-run. The
    copy keeps the measurement about the runner. Raw data are linked, not copied.
    """
    import shutil

    from compare.paths import default_mirror, project_root

    root = project_root()
    snap = Path(tempfile.mkdtemp(prefix="bench-reports-snapshot-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "raw")
    for part in ("src", "notebooks", "data"):
        shutil.copytree(root / part, snap / part, ignore=ignore)
    (snap / "data" / "raw").symlink_to(root / "data" / "raw")
    # byte-compile the copy now: otherwise the first (parallel) run would pay for compiling the
    # workbench's modules and the serial loop after it would not
    import compileall

    compileall.compile_dir(snap / "src", quiet=1)
    base = _baseline_snapshot(root, _baseline_ref(root))
    env = dict(os.environ)
    env.update(PYTHONPATH=str(snap / "src"), COMPARE_HOME=str(snap), COMPARE_BENCH_SNAPSHOT="1")
    env["COMPARE_BENCH_BASELINE"] = str(base)
    if default_mirror() is not None:
        env["COMPARE_MIRROR"] = str(default_mirror())
    print(f"frozen copy of the workbench: {snap}")
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], env)


def _baseline_ref(root: Path) -> str:
    ref = _ARGS.baseline
    if ref == "merge-base":
        ref = subprocess.run(
            ["git", "-C", str(root), "merge-base", "HEAD", "main"], capture_output=True, text=True, check=True
        ).stdout.strip()
    return ref


def _baseline_snapshot(root: Path, ref: str) -> Path:
    """A frozen copy of ``ref``'s src, notebooks and data configs (``git archive``), raw data linked."""
    import compileall
    import io
    import tarfile

    sha = subprocess.run(
        ["git", "-C", str(root), "rev-parse", ref], capture_output=True, text=True, check=True
    ).stdout.strip()
    snap = Path(tempfile.mkdtemp(prefix=f"bench-reports-baseline-{sha[:8]}-"))
    tar = subprocess.run(
        ["git", "-C", str(root), "archive", sha, "src", "notebooks", "data"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as tf:
        tf.extractall(snap, filter="data")
    if not (snap / "data" / "raw").exists():
        (snap / "data" / "raw").symlink_to(root / "data" / "raw")
    compileall.compile_dir(snap / "src", quiet=1)
    print(f"frozen copy of the baseline {ref} ({sha[:10]}): {snap}")
    return snap


def _env_of(snap: Path) -> dict:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(snap / "src"), COMPARE_HOME=str(snap))
    return env


def _same_results(a: Path, b: Path) -> tuple[int, list[str]]:
    """Number of ``*.results.json`` in ``a`` and those whose bytes differ in ``b``."""
    names = sorted(p.name for p in a.glob("*.results.json"))
    differ = [n for n in names if not (b / n).is_file() or (a / n).read_bytes() != (b / n).read_bytes()]
    return len(names), differ


def _common_values_differ(old, new, path: str = "") -> list[str]:
    """Paths of the values present in both JSON documents that differ (keys added since are skipped)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [d for k in old if k in new for d in _common_values_differ(old[k], new[k], f"{path}/{k}")]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        pairs = enumerate(zip(old, new, strict=True))
        return [d for i, (x, y) in pairs for d in _common_values_differ(x, y, f"{path}[{i}]")]
    return [] if old == new else [path or "/"]


def _same_common_results(base: Path, new: Path) -> tuple[int, list[str]]:
    """``*.results.json`` of the baseline whose values differ in the new code's (keys both have).

    The reports gained keys since the baseline (the Playbook's intervals, action plans, criterion
    scores): those are not compared; every value the baseline wrote must come back unchanged.
    """
    names = sorted(p.name for p in base.glob("*.results.json"))
    differ = []
    for n in names:
        if not (new / n).is_file():
            differ.append(f"{n} (missing)")
            continue
        paths = _common_values_differ(json.loads((base / n).read_text()), json.loads((new / n).read_text()))
        if paths:
            differ.append(f"{n} ({', '.join(paths[:3])}{' ...' if len(paths) > 3 else ''})")
    return len(names), differ


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", default="helsinki-berlin")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--repeat", type=int, default=3, help="repetitions of the cold run and the serial loop (alternating)"
    )
    parser.add_argument(
        "--baseline", default=BASELINE_REF,
        help=f"git ref of today's code (default {BASELINE_REF}, main when issue 16's work began; "
        "'merge-base': the merge base of HEAD with main)",
    )  # fmt: skip
    parser.add_argument("--cities", type=int, default=16, help="cities of the large network (0: skip it)")
    parser.add_argument("--no-dask", action="store_true", help="skip the --scheduler runs")
    parser.add_argument(
        "--no-large-baseline", dest="large_baseline", action="store_false",
        help="skip the baseline's run of the large network (its time and results comparison)",
    )  # fmt: skip
    return parser.parse_args()


_ARGS = _parse()


def main() -> None:
    args = _ARGS
    if not os.environ.get("COMPARE_BENCH_SNAPSHOT"):
        _snapshot()

    import compare
    from compare.paths import project_root
    from compare.reports.plan import plan_network

    root = project_root()
    assert Path(compare.__file__).is_relative_to(root), "the frozen copy is not in use"
    base = Path(os.environ["COMPARE_BENCH_BASELINE"])
    base_env = _env_of(base)
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    out_root, base_root = work / "reports", work / "baseline"
    plan = plan_network(args.network, out_root=out_root)
    base_out = base_root / plan.out_dir.name
    print(f"network {args.network}: {len(plan.jobs)} notebooks, {os.cpu_count()} cores, jobs={args.jobs}")
    # warm the network cache the same way for both variants (the import cache is keyed by the data)
    from compare.sources import load_network

    load_network(args.network)
    subprocess.run(
        [sys.executable, "-c", f"from compare.sources import load_network; load_network({args.network!r})"],
        env=base_env, cwd=base, check=True, capture_output=True,
    )  # fmt: skip

    serial_dir = work / "serial"
    serial_dir.mkdir()
    cold = ["--jobs", str(args.jobs), "--force", "-q"]
    runs = []
    for rep in range(1, args.repeat + 1):
        print(f"--- repetition {rep} of {args.repeat}")
        # 1. cold parallel run (from the second repetition on, the runner orders jobs by the
        #    durations it recorded, as it does for a user who re-runs with --force)
        print(f"before the cold run: {_load()}")
        cpu0 = _cpu()
        t_par = _cli(args.network, *cold, "--output", str(out_root), cwd=root)
        cpu_par, rss_par, pb_par = _cpu() - cpu0, _LAST_RSS[0], _LAST_PLAYBOOK[0]
        print(f"cold parallel run (--jobs {args.jobs}):   {t_par:7.1f} s wall, {cpu_par:7.1f} s CPU, "
              f"{_mem()}; of which the Playbook {pb_par:.1f} s (the baseline has none)")  # fmt: skip
        for j in plan.jobs:
            d = json.loads((plan.out_dir / ".state" / f"{j.slug}.json").read_text())["duration_s"]
            print(f"    {j.name:22s} {d:6.1f} s")
        # 2. warm re-run right away (nothing changed)
        t_warm = _cli(args.network, "--jobs", str(args.jobs), "--output", str(out_root), "-q", cwd=root)
        print(f"warm re-run, nothing changed:     {t_warm:7.2f} s wall (target < 1 s)")
        # 5. the baseline commit, same command
        print(f"before the baseline run: {_load()}")
        t_base = _cli(args.network, *cold, "--output", str(base_root), cwd=base, env=base_env)
        print(f"baseline cold run (--jobs {args.jobs}):   {t_base:7.1f} s wall, {_mem()}")
        n, differ_base = _same_common_results(base_out, plan.out_dir)
        print(f"results.json: every value the baseline wrote unchanged in {n - len(differ_base)} of {n}"
              + (f" (differ: {', '.join(differ_base)})" if differ_base else ""))  # fmt: skip
        # 3. serial papermill CLI loop over the same notebooks and parameters
        print(f"before the serial loop: {_load()}")
        cpu0 = _cpu()
        t_ser = _serial_papermill_loop(plan, serial_dir, root)
        cpu_ser = _cpu() - cpu0
        print(f"serial papermill CLI loop:        {t_ser:7.1f} s wall, {cpu_ser:7.1f} s CPU")
        n, differ = _same_results(serial_dir, plan.out_dir)
        print(f"results.json byte-identical to the slow path (this loop: no shared tables, no zygote): "
              f"{n - len(differ)} of {n}"
              + (f" (differ: {', '.join(differ)})" if differ else ""))  # fmt: skip
        # 4. the runner itself on one worker: how much of the ratio is parallelism alone
        t_one = _cli(args.network, "--jobs", "1", "--force", "--output", str(out_root), "-q", cwd=root)
        print(f"runner with --jobs 1:             {t_one:7.1f} s wall")
        # 6. the same jobs on a Dask LocalCluster
        t_dask = _dask_run(args, out_root, root) if not args.no_dask else float("nan")
        if not args.no_dask:
            print(f"--scheduler (Dask, {args.jobs} workers):   {t_dask:7.1f} s wall "
                  f"({t_dask / t_par - 1:+.0%} against --jobs {args.jobs}; target within +15%)")  # fmt: skip
        eff = t_ser / (args.jobs * t_par)
        print(
            f"this repetition: {t_base / t_par:.2f}x the baseline, {t_ser / t_par:.2f}x the serial loop, "
            f"efficiency {eff:.0%}"
        )
        runs.append(
            {"parallel": t_par, "serial": t_ser, "one": t_one, "warm": t_warm, "baseline": t_base,
             "dask": t_dask, "efficiency": eff, "rss": rss_par, "identical": not differ,
             "baseline_values_kept": not differ_base, "reports": t_par - pb_par}
        )  # fmt: skip
    print(f"after the last run: {_load()} (the machine is shared: other load slows either variant)")

    large = _large_network(args, root, work) if args.cities else {}

    # the fastest run of each variant is the least disturbed by other load on the host
    kinds = ("parallel", "reports", "serial", "one", "warm", "baseline", "dask")
    best = {k: min(r[k] for r in runs) for k in kinds}
    vs_base, vs_ser = best["baseline"] / best["parallel"], best["serial"] / best["parallel"]
    dask_over = best["dask"] / best["parallel"] - 1
    print(f"=== summary (best of {args.repeat})")
    print(f"cold --jobs {args.jobs}: {best['parallel']:.1f} s; baseline {best['baseline']:.1f} s -> "
          f"{vs_base:.2f}x (target >= 3x: {'met' if vs_base >= 3 else 'NOT met'}); per repetition "
          + ", ".join(f"{r['baseline'] / r['parallel']:.2f}x" for r in runs))  # fmt: skip
    print(
        f"without the Playbook (which the baseline does not build): {best['reports']:.1f} s -> "
        f"{best['baseline'] / best['reports']:.2f}x the baseline"
    )
    print(f"serial papermill loop {best['serial']:.1f} s -> {vs_ser:.2f}x (target >= 2.5x: "
          f"{'met' if vs_ser >= 2.5 else 'NOT met'}); runner --jobs 1 {best['one']:.1f} s")  # fmt: skip
    print(f"warm re-run {best['warm']:.2f} s (target < 1 s: {'met' if best['warm'] < 1 else 'NOT met'})")
    same = all(r["identical"] for r in runs)
    print(
        f"results.json byte-identical to the slow path (serial loop) in every repetition: {same}; "
        f"the baseline's values unchanged in every repetition: "
        f"{all(r['baseline_values_kept'] for r in runs)}"
    )
    print(f"peak memory of the cold run: {_gb(max(r['rss'] for r in runs))} PSS")
    if not args.no_dask:
        print(f"--scheduler Dask {best['dask']:.1f} s: {dask_over:+.0%} against --jobs {args.jobs} "
              f"(target within +15%: {'met' if dask_over <= 0.15 else 'NOT met'})")  # fmt: skip
    if large:
        ok = "met" if large["t_full"] < 90 else "NOT met"
        print(f"{large['n']}-city network cold: {large['t_full']:.1f} s, of which the Playbook "
              f"{large['playbook_full']:.1f} s (target < 90 s: {ok}), "
              f"{large['half']} cities {large['t_half']:.1f} s, "
              f"{large['per_city']:.1f} s per additional city; peak memory {_gb(large['rss'])} PSS "
              f"(target < 4 GB: {'met' if large['rss'] < 4e9 else 'NOT met'}), "
              f"{_gb(large['rss_summed'])} RSS summed")  # fmt: skip
        if "t_baseline" in large:
            tb = large["t_baseline"]
            print(f"baseline on it {tb:.1f} s ({tb / large['t_full']:.2f}x); "
                  f"the baseline's results.json values unchanged: {large['identical']}")  # fmt: skip
    print(
        json.dumps(
            {
                "cold_parallel_s": [round(r["parallel"], 1) for r in runs],
                "baseline_cold_parallel_s": [round(r["baseline"], 1) for r in runs],
                "serial_papermill_s": [round(r["serial"], 1) for r in runs],
                "runner_jobs1_s": [round(r["one"], 1) for r in runs],
                "dask_s": [round(r["dask"], 1) for r in runs],
                "warm_s": [round(r["warm"], 2) for r in runs],
                "speedup_vs_baseline_best_of": round(vs_base, 2),
                "speedup_vs_serial_best_of": round(vs_ser, 2),
                "peak_rss_gb": round(max(r["rss"] for r in runs) / 1e9, 2),
                "large": {k: (round(v, 2) if isinstance(v, float) else v) for k, v in large.items()},
            }
        )
    )


def _dask_run(args, out_root: Path, root: Path) -> float:
    """Cold run with ``--scheduler`` on a fresh LocalCluster (its start-up not counted)."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        return _cli(
            args.network, "--scheduler", cluster.scheduler_address, "--force", "-q",
            "--output", str(out_root / "dask"), cwd=root,
        )  # fmt: skip


#: Census 2021 grid centres added to the partners of joining-forces and segregation-network
_MORE_CENTRES = {
    "vienna": ("Vienna", "AT", 16.3738, 48.2082),
    "lyon": ("Lyon", "FR", 4.8357, 45.7640),
    "rotterdam": ("Rotterdam", "NL", 4.4777, 51.9244),
    "gothenburg": ("Gothenburg", "SE", 11.9746, 57.7089),
    "porto": ("Porto", "PT", -8.6291, 41.1579),
}


def _large_network(args, root: Path, work: Path) -> dict:
    """Cold runs of a network of ``args.cities`` grid cities and of its first half."""
    import yaml

    cities: dict = {}
    for src in ("joining-forces", "segregation-network"):
        cfg = yaml.safe_load((root / "data" / "networks" / f"{src}.yml").read_text(encoding="utf-8"))
        for cid, c in cfg["cities"].items():
            if isinstance(c.get("areas"), dict) and "lon" in c["areas"] and cid not in cities:
                cities[cid] = c
    grid = list(cfg["cities"]["amsterdam"]["group_definitions"])
    for cid, (name, country, lon, lat) in _MORE_CENTRES.items():
        cities.setdefault(cid, {"name": name, "country": country, "sources": [{"importer": "census_grid"}],
                                "areas": {"importer": "census_grid", "lon": lon, "lat": lat},
                                "group_definitions": grid})  # fmt: skip
    chosen = dict(list(cities.items())[: args.cities])
    if len(chosen) < args.cities:
        print(f"only {len(chosen)} grid centres known; the large network has {len(chosen)} cities")
    net_id = f"bench-{len(chosen)}-cities"
    net = {"name": net_id, "title": f"Benchmark: {len(chosen)} cities on the Census 2021 grid",
           "description": "Written by benchmarks/bench_reports.py.", "lead_city": next(iter(chosen)),
           "crs": "EPSG:3035", "min_population": 50, "cities": chosen}  # fmt: skip
    path = root / "data" / "networks" / f"{net_id}.yml"  # inside the frozen copy, never the work tree
    path.write_text(yaml.safe_dump(net, sort_keys=False, allow_unicode=True), encoding="utf-8")
    from compare.sources import load_network

    loaded = load_network(net_id)  # the network import cache warm, as for the example network
    from compare.pages.europe import own_centre

    for cid in chosen:  # and the centre containing each city's point, kept beside the grid cache
        own_centre(loaded, cid)
    out = work / "large"
    for sub in ("half", "full", "baseline"):  # an --output folder must exist (a typo is refused)
        (out / sub).mkdir(parents=True, exist_ok=True)
    half = list(chosen)[: len(chosen) // 2]
    print(f"--- {len(chosen)}-city network {net_id}: {_load()}")
    t_half = _cli(net_id, "--jobs", str(args.jobs), "--force", "-q", "--cities", *half,
                  "--output", str(out / "half"), cwd=root)  # fmt: skip
    pb_half = _LAST_PLAYBOOK[0]
    print(
        f"{len(half)} cities (and the comparison) cold: {t_half:7.1f} s wall "
        f"(Playbook {pb_half:.1f} s), {_mem()}"
    )
    t_full = _cli(net_id, "--jobs", str(args.jobs), "--force", "-q", "--output", str(out / "full"), cwd=root)
    rss, rss_sum = _LAST_RSS
    pb_full = _LAST_PLAYBOOK[0]
    print(
        f"{len(chosen)} cities (and the comparison) cold: {t_full:7.1f} s wall "
        f"(Playbook {pb_full:.1f} s), {_mem()}"
    )
    for cid in [*chosen, "network-comparison"]:
        st = json.loads((out / "full" / net_id / ".state" / f"{cid}.json").read_text())
        print(f"    {cid:22s} {st['duration_s']:6.1f} s  {st['status']}")
    per_city = (t_full - t_half) / (len(chosen) - len(half))
    res = {"n": len(chosen), "half": len(half), "t_full": t_full, "t_half": t_half,
           "per_city": per_city, "rss": rss, "rss_summed": rss_sum,
           "playbook_full": pb_full, "playbook_half": pb_half}  # fmt: skip
    if args.large_baseline:  # the baseline on the same network: its time and the results compared
        base = Path(os.environ["COMPARE_BENCH_BASELINE"])
        text = path.read_text(encoding="utf-8")
        (base / "data" / "networks" / path.name).write_text(text, encoding="utf-8")
        t_base = _cli(net_id, "--jobs", str(args.jobs), "--force", "-q", "--output", str(out / "baseline"),
                      cwd=base, env=_env_of(base))  # fmt: skip
        n, differ = _same_common_results(out / "baseline" / net_id, out / "full" / net_id)
        print(f"baseline on the {len(chosen)}-city network: {t_base:7.1f} s wall "
              f"({t_base / t_full:.2f}x the new code's), {_mem()}; "
              f"results.json: the baseline's values unchanged in {n - len(differ)} of {n}"
              + (f" (differ: {', '.join(differ)})" if differ else ""))  # fmt: skip
        res |= {"t_baseline": t_base, "identical": not differ}
    return res


def _serial_papermill_loop(plan, serial_dir: Path, root: Path) -> float:
    """Wall time of ``python -m papermill`` run once per report, one after the other."""
    t0 = time.perf_counter()
    for j in plan.jobs:
        params = dict(j.parameters)
        if "output_folder" in params:
            params["output_folder"] = str(serial_dir)
        cmd = [
            sys.executable,
            "-m",
            "papermill",
            str(j.notebook),
            str(serial_dir / f"{j.slug}.ipynb"),
            "-k",
            "compare",
            "--cwd",
            str(root),
            "--no-progress-bar",
            "-y",
            json.dumps(params),
        ]
        subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()

"""Import speed of the data layer: all Paavo 2012-2017 files for all of Finland, and the example network.

Run: .venv/bin/python benchmarks/bench_import.py
"""

import resource
import time
import warnings

from compare.model import ImportReport
from compare.paths import raw_dir
from compare.sources import fetch, load_network, read_pxweb_dir


def main() -> None:
    fetch(download=False)
    raw = raw_dir()
    folder = raw / "helsinki-region/paavo-2012-2017/paavo_raw"
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        report = ImportReport("paavo")
        df = read_pxweb_dir(
            folder,
            lookup=raw / "helsinki-region/paavo-2012-2017/zip_municipality.tsv",
            report=report,
        )
        runs.append(time.perf_counter() - t0)
    files = len(list(folder.glob("*.csv")))
    print(
        f"Paavo PxWeb, all of Finland: {files} files, {df.area_id.nunique():,} postal areas, "
        f"{len(df):,} counts, {report.suppressed:,} suppressed cells"
    )
    print(f"  import time: best {min(runs):.2f} s, median {sorted(runs)[1]:.2f} s over 3 runs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        net = load_network("helsinki-berlin", cache=False)
        t = time.perf_counter() - t0
        load_network("helsinki-berlin")  # makes sure the cache is written
        t0 = time.perf_counter()
        load_network("helsinki-berlin")
        warm = time.perf_counter() - t0
    print(
        f"example network helsinki-berlin: {len(net.areas)} areas, {len(net.population):,} counts, "
        f"imported and validated in {t:.2f} s; from the validated cache {warm:.2f} s"
    )
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

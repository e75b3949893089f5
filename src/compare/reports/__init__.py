"""Reports: the pipeline that runs the report pages for every city of a network with one command.

``python -m compare reports run NETWORK`` validates parameters, executes
``notebooks/city_assessment.ipynb`` for each city and ``notebooks/network_comparison.ipynb``
with papermill (in parallel, incrementally, atomically), converts them to HTML and writes the
network's index ``reports/<network>/index.html``. The pipeline knows jobs, not content: what the
pages show lives in :mod:`compare.pages`.
"""

from compare.files import safe_join, slugify
from compare.pages.html import esc
from compare.pages.index import render_index, write_index
from compare.pages.results import read_key_results, write_key_results
from compare.provenance import (
    collect_provenance,
    file_sha256,
    fingerprint,
    package_versions,
    provenance_table,
)
from compare.reports.execute import execute_job
from compare.reports.html import notebook_to_html
from compare.reports.jobs import JobOutcome, ReportJob, RunSummary
from compare.reports.params import (
    notebook_parameters,
    validate_city_parameters,
    validate_parameters,
)
from compare.reports.runner import run_jobs

__all__ = [
    "JobOutcome",
    "ReportJob",
    "RunSummary",
    "collect_provenance",
    "esc",
    "execute_job",
    "file_sha256",
    "fingerprint",
    "notebook_parameters",
    "notebook_to_html",
    "package_versions",
    "provenance_table",
    "read_key_results",
    "render_index",
    "run_jobs",
    "safe_join",
    "slugify",
    "validate_city_parameters",
    "validate_parameters",
    "write_index",
    "write_key_results",
]

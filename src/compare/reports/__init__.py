"""Reports: run the assessment notebooks for every city of a network with one command.

``python -m compare reports run NETWORK`` validates parameters, executes
``notebooks/city_assessment.ipynb`` for each city and ``notebooks/network_comparison.ipynb``
with papermill (in parallel, incrementally, atomically), converts them to HTML and writes the
network's Action Playbook ``reports/<network>/index.html``.
"""

from compare.reports.html import esc, notebook_to_html
from compare.reports.index import render_index, write_index
from compare.reports.params import (
    notebook_parameters,
    validate_city_parameters,
    validate_parameters,
)
from compare.reports.provenance import (
    collect_provenance,
    file_sha256,
    fingerprint,
    package_versions,
    provenance_table,
)
from compare.reports.results import read_key_results, write_key_results
from compare.reports.runner import JobOutcome, ReportJob, RunSummary, execute_job, run_jobs
from compare.reports.slug import safe_join, slugify

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

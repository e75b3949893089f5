"""The network's Action Playbook as ``playbook.html`` and ``playbook.pdf``.

Six parts: models, where each city stands, lessons learned, transfers, local action plans,
tools and methods; and what changed since the last version.

One call builds it from the library and the reports of a run::

    >>> from compare.pages.playbook import build_playbook
    >>> pb = build_playbook("helsinki-berlin", "reports/helsinki-berlin")   # doctest: +SKIP
    >>> pb.write()                                                          # doctest: +SKIP

The report runner (``python -m compare reports run NETWORK``) writes it after the reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.files import atomic_write_bytes, atomic_write_text, safe_join
from compare.pages.playbook.changes import Version, diff_snapshots, next_version, read_version, snapshot
from compare.pages.playbook.data import CityEntry, PlaybookData, city_contexts, collect_playbook_data
from compare.pages.playbook.parts import PARTS, Part, build_parts
from compare.pages.playbook.render import render_html, render_pdf

__all__ = [
    "Playbook",
    "PlaybookPDFError",
    "build_playbook",
    "write_playbook",
    "playbook_paths",
    "inputs_fingerprint",
    "PlaybookData",
    "CityEntry",
    "Part",
    "PARTS",
    "Version",
    "collect_playbook_data",
    "city_contexts",
    "build_parts",
    "snapshot",
    "diff_snapshots",
    "next_version",
    "read_version",
    "render_html",
    "render_pdf",
]


def playbook_paths(out_dir: str | Path) -> dict[str, Path]:
    """``html``, ``pdf`` and ``json`` paths of a network's Playbook in its report folder.

    Examples
    --------
    >>> sorted(p.name for p in playbook_paths("reports/n").values())
    ['playbook.html', 'playbook.json', 'playbook.pdf']
    """
    return {k: safe_join(out_dir, "playbook", suffix=s) for k, s in (("html", ".html"), ("pdf", ".pdf"), ("json", ".json"))}


class PlaybookPDFError(RuntimeError):
    """The Playbook's HTML was written but its PDF could not be rendered (the message says why)."""


@dataclass
class Playbook:
    """A built Playbook: its data, parts, version and HTML (``write()`` writes HTML, PDF and JSON)."""

    data: PlaybookData
    parts: list[Part]
    version: Version
    html: str

    @property
    def out_dir(self) -> Path:
        """Folder the Playbook is written to (the network's report folder)."""
        return self.data.out_dir

    def write(self, pdf: bool = True) -> dict[str, Path]:
        """Write ``playbook.html``, ``playbook.pdf`` and ``playbook.json`` atomically; return their paths.

        The PDF is rendered before anything is written, so a failure leaves the previous
        Playbook in place; the version record is written last. When WeasyPrint cannot run (it or
        the Pango library is missing), the HTML and the version record are written and
        :class:`PlaybookPDFError` says so.
        """
        paths = playbook_paths(self.out_dir)
        try:
            pdf_bytes = render_pdf(self.html, base_url=str(self.out_dir)) if pdf else None
        except (ImportError, OSError) as exc:
            # WeasyPrint or its system libraries (Pango) are missing: the HTML is still worth having,
            # the version record is left without its inputs so the next run tries the PDF again
            self.version.inputs = ""
            atomic_write_text(paths["html"], self.html)
            atomic_write_text(paths["json"], self.version.to_json())
            kept = " (the playbook.pdf on disk is of an earlier version)" if paths["pdf"].is_file() else ""
            raise PlaybookPDFError(
                f"{paths['html']} written, but playbook.pdf could not be rendered{kept}: {type(exc).__name__}: "
                f"{exc}. WeasyPrint needs the Pango library (Debian: apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0)"
            ) from exc
        atomic_write_text(paths["html"], self.html)
        if pdf_bytes is not None:
            atomic_write_bytes(paths["pdf"], pdf_bytes)
        atomic_write_text(paths["json"], self.version.to_json())
        return paths

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{p.title}</li>" for p in self.parts)
        return f"<p><strong>Action Playbook</strong>, version {self.version.number} ({self.version.date})</p><ol>{items}</ol>"

    def __repr__(self) -> str:
        return (
            f"<Playbook {self.data.network.get('id')!r} v{self.version.number} {self.version.date}: "
            f"{len(self.data.cities)} cities, {len(self.parts)} parts>"
        )


def build_playbook(
    network: str | Mapping[str, Any],
    out_dir: str | Path | None = None,
    outcomes: Sequence | None = None,
    *,
    today: str | None = None,
) -> Playbook:
    """Build the Action Playbook of a network from the library and the reports in ``out_dir``.

    Parameters
    ----------
    network : str or mapping
        Network id (or config path), or the report plan's network record (``id``, ``name``,
        ``description``, ``attribution``).
    out_dir : str or Path, optional
        The network's report folder (default ``reports/<network>``).
    outcomes : sequence of RunRecord, optional
        This run's outcome per report (failed cities are marked).
    today : str, optional
        Date of a new version (default: today, UTC).

    Returns
    -------
    Playbook

    Examples
    --------
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> pb = build_playbook("helsinki-berlin", tmp_dir, today="2026-12-03")
    >>> pb.version.number, [p.id for p in pb.parts][:2]
    (1, ['models', 'cities'])
    """
    if isinstance(network, str):
        from compare.sources import network_record

        info = network_record(network)
    else:
        info = dict(network)
    if out_dir is None:
        from compare.pages.results import default_output_folder

        out_dir = default_output_folder(info["id"])
    fingerprint = inputs_fingerprint(info, out_dir, outcomes)
    d = collect_playbook_data(info, out_dir, outcomes)
    parts = build_parts(d)
    version = next_version(d, read_version(Path(out_dir) / "playbook.json"), today=today)
    version.inputs = fingerprint
    return Playbook(d, parts, version, render_html(d, parts, version))


def inputs_fingerprint(info: Mapping[str, Any], out_dir: str | Path, outcomes: Sequence | None = None) -> str:
    """sha256 over everything a Playbook reads.

    The reports' results, the network config, profiles, rubrics, practices, self-assessment
    responses, the run's failed reports and the Playbook's own code.

    Examples
    --------
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> len(inputs_fingerprint({"id": "helsinki-berlin"}, tmp_dir))
    64
    """
    import hashlib

    from compare.paths import data_dir
    from compare.sources import read_network_config

    h = hashlib.sha256()
    _, cfg_path = read_network_config(info.get("config") or info["id"])
    data = data_dir()
    files = [Path(cfg_path), *sorted(Path(out_dir).glob("*.results.json"))]
    for sub in ("governance", "rubrics", "practices", "self-assessment"):
        files += sorted(p for p in (data / sub).rglob("*") if p.is_file())
    files += sorted(Path(__file__).parent.glob("*.py"))
    for f in files:
        h.update(str(f.name).encode() + b"\0" + f.read_bytes() + b"\0")
    failed = sorted(str(o.name) for o in outcomes or [] if o.failed)  # the page marks failed cities
    h.update(("failed:" + ",".join(failed)).encode())
    h.update(repr(sorted((k, str(v)) for k, v in info.items())).encode())
    return h.hexdigest()


def write_playbook(network, out_dir=None, outcomes=None, *, pdf: bool = True, force: bool = False) -> dict:
    """Build and write the Playbook (:func:`build_playbook`, :meth:`Playbook.write`).

    Nothing is rebuilt when the inputs (:func:`inputs_fingerprint`) are those of the Playbook
    already written; the returned mapping then has ``unchanged=True``.

    Examples
    --------
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> sorted(write_playbook("helsinki-berlin", tmp_dir, pdf=False))
    ['html', 'json', 'pdf', 'unchanged']
    """
    if isinstance(network, str):
        from compare.sources import network_record

        network = network_record(network)
    if out_dir is None:
        from compare.pages.results import default_output_folder

        out_dir = default_output_folder(network["id"])
    fp = inputs_fingerprint(network, out_dir, outcomes)
    paths = playbook_paths(out_dir)
    previous = read_version(paths["json"])
    if (
        not force
        and previous is not None
        and previous.get("inputs") == fp
        and paths["html"].is_file()
        and (paths["pdf"].is_file() or not pdf)
    ):
        return {**paths, "unchanged": True}
    out = build_playbook(network, out_dir, outcomes).write(pdf=pdf)
    return {**out, "unchanged": False}

"""Parameter validation before any kernel starts (papermill itself does not validate)."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from compare._patterns import PERIOD_RE as _PERIOD
from compare.errors import ConfigError

__all__ = ["notebook_parameters", "validate_parameters", "validate_city_parameters"]


_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """Read the declared parameters of a notebook's ``parameters`` cell.

    Parameters
    ----------
    notebook : str or Path
        A notebook with one code cell tagged ``parameters``.

    Returns
    -------
    dict
        ``name -> {"default": value, "type": python type or None, "help": str}``; the
        type comes from an annotation (``periods: list = []``) or else from the default's
        literal value (``None`` when the default is ``None`` or not a literal).

    Raises
    ------
    ConfigError
        If the notebook is missing or has no ``parameters`` cell.

    Examples
    --------
    >>> notebook_parameters(project / "notebooks/city_assessment.ipynb")["city"]["type"]
    <class 'str'>
    """
    path = Path(notebook)
    if not path.is_file():
        raise ConfigError("notebook not found; expected an .ipynb file", file=path)
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _PARAMETERS:
        _PARAMETERS[key] = _read_parameters(path)
    return {k: dict(v) for k, v in _PARAMETERS[key].items()}


#: parameters already read in this process, by (path, size, modification time)
_PARAMETERS: dict[tuple, dict] = {}


def _parameters_source(path: Path) -> str | None:
    """Source of the ``parameters`` cell (plain JSON for nbformat 4; nbformat for older files)."""
    import json

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        nb = None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        import nbformat  # older formats (and malformed files, with nbformat's own message)

        nb = nbformat.read(path, as_version=4)
    for c in nb["cells"]:
        if "parameters" in (c.get("metadata") or {}).get("tags", []):
            src = c.get("source", "")
            return "".join(src) if isinstance(src, list) else src
    return None


def _read_parameters(path: Path) -> dict[str, dict[str, Any]]:
    source = _parameters_source(path)
    if source is None:
        raise ConfigError(
            "no cell tagged 'parameters'; expected one code cell with the tag 'parameters' "
            "holding the notebook's default parameter values",
            file=path,
        )
    out: dict[str, dict[str, Any]] = {}
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value, annotation = node.targets[0], node.value, None
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value, annotation = node.target, node.value, node.annotation
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = None
        typ = None
        if isinstance(annotation, ast.Name) and annotation.id in _TYPES:
            typ = _TYPES[annotation.id]
        elif default is not None:
            typ = _TYPES.get(type(default).__name__, type(default))
        out[target.id] = {"default": default, "type": typ, "help": ""}
    return out


def validate_parameters(notebook: str | Path, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Check parameters against a notebook's ``parameters`` cell and return the merged set.

    Papermill silently injects any name it is given; a typo (``perids=...``) would leave the
    default in force. This check refuses names the notebook does not declare and values whose
    type differs from the declared default (a string where a list is expected, ...).

    Parameters
    ----------
    notebook : str or Path
    parameters : mapping
        Values to inject.

    Returns
    -------
    dict
        Defaults overridden by ``parameters``.

    Raises
    ------
    ConfigError
        Naming the notebook, the parameter and what was expected.

    Examples
    --------
    >>> validate_parameters(project / "notebooks/city_assessment.ipynb", {"city": "vantaa"})
    {'network': 'helsinki-berlin', 'city': 'vantaa', ...}
    """
    declared = notebook_parameters(notebook)
    merged = {name: spec["default"] for name, spec in declared.items()}
    for name, value in parameters.items():
        if name not in declared:
            raise ConfigError(
                f"unknown parameter {name!r}; the notebook declares {sorted(declared)}",
                file=notebook,
                key=name,
            )
        typ = declared[name]["type"]
        if value is not None and typ is not None:
            ok = isinstance(value, typ) and not (typ in (int, float) and isinstance(value, bool))
            if typ is list and isinstance(value, tuple):
                value, ok = list(value), True
            if not ok:
                raise ConfigError(
                    f"parameter {name!r} is {type(value).__name__} {value!r}; expected "
                    f"{getattr(typ, '__name__', typ)} like the default "
                    f"{declared[name]['default']!r}",
                    file=notebook,
                    key=name,
                )
        merged[name] = value
    model = _PARAMS_MODELS.get(Path(notebook).name)
    if model is not None:  # the notebooks the workbench ships: their parameters' schema
        from compare.schema import governance as g
        from compare.schema import validate

        validate(getattr(g, model), merged, notebook)
    return merged


#: notebook file name -> its parameter model in :mod:`compare.schema.governance`
_PARAMS_MODELS = {
    "city_assessment.ipynb": "CityReportParams",
    "network_comparison.ipynb": "ComparisonReportParams",
}


def validate_city_parameters(
    parameters: Mapping[str, Any],
    cities: Mapping[str, Sequence[str]],
    *,
    source: str | None = None,
) -> None:
    """Check a city assessment's parameters against the network.

    Parameters
    ----------
    parameters : mapping
        With keys ``city``, ``periods`` and ``peers``.
    cities : mapping
        City id -> the periods available for that city.
    source : str, optional
        Network configuration file, for error messages.

    Raises
    ------
    ConfigError
        For an unknown city or peer, a city listed among its own peers, a malformed period or
        a period the city has no data for.

    Examples
    --------
    >>> validate_city_parameters({"city": "a", "periods": ["2015"], "peers": ["b"]},
    ...                          {"a": ["2015", "2016"], "b": ["2015"]})
    """
    city = parameters.get("city")
    if city not in cities:
        raise ConfigError(f"unknown city {city!r}; the network has {sorted(cities)}", file=source, key="city")
    for peer in parameters.get("peers") or []:
        if peer not in cities:
            raise ConfigError(
                f"unknown peer city {peer!r}; the network has {sorted(cities)}",
                file=source,
                key="peers",
            )
        if peer == city:
            raise ConfigError(f"city {city!r} is listed among its own peers", file=source, key="peers")
    available = set(map(str, cities[city]))
    for period in parameters.get("periods") or []:
        if not isinstance(period, str) or not _PERIOD.match(period):
            raise ConfigError(
                f"period {period!r} is not a period label; expected 'YYYY', 'YYYY-H1'/'YYYY-H2'",
                file=source,
                key="periods",
            )
        if available and period not in available:
            raise ConfigError(
                f"city {city!r} has no data for period {period!r}; available: {sorted(available)}",
                file=source,
                key="periods",
            )

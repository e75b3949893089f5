"""The descriptions of every city-level index, collected from the family modules.

Each family module (:mod:`~compare.indicators.twogroup`, :mod:`~compare.indicators.multigroup`,
:mod:`~compare.indicators.spatial`) describes its indices once as
:class:`~compare.indicators._core.IndexSpec` (name, family, kernel, parameters, p-value);
the panel, the bootstrap and the difference test loop over :data:`INDEX_SPECS` instead of
knowing indices by name. Adding an index means adding one description to its family module.
"""

from __future__ import annotations

from compare.errors import ConfigError
from compare.indicators._core import IndexSpec
from compare.indicators.multigroup import MULTI_GROUP_SPECS
from compare.indicators.spatial import SPATIAL_SPECS
from compare.indicators.twogroup import TWO_GROUP_SPECS

__all__ = ["INDEX_SPECS", "INDEX_FAMILY", "INDICES", "index_spec", "indices_table"]

#: description of every index, by panel name, in panel output order
INDEX_SPECS: dict[str, IndexSpec] = {
    spec.name: spec for spec in (*TWO_GROUP_SPECS, *MULTI_GROUP_SPECS, *SPATIAL_SPECS)
}
#: family of every index name: "two-group", "multigroup" or "spatial"
INDEX_FAMILY: dict[str, str] = {name: spec.family for name, spec in INDEX_SPECS.items()}
#: every index name the panel knows, in output order
INDICES: tuple[str, ...] = tuple(INDEX_SPECS)


def index_spec(name: str) -> IndexSpec:
    """The description of index ``name``.

    Examples
    --------
    >>> index_spec("atkinson").parameters
    {'atkinson_b': 'b'}
    """
    try:
        return INDEX_SPECS[name]
    except KeyError:
        raise ConfigError(
            f"unknown index name {name!r}; expected one of {list(INDICES)}", key="index"
        ) from None


def indices_table():
    """Every index the panel computes: name, family, parameters, p-value, and what it is (with reference).

    The description is the first line of the index's public function in its family module
    (``compare.indicators.twogroup.dissimilarity`` and so on), so it is written once.

    Examples
    --------
    >>> t = indices_table().set_index("index")
    >>> t.loc["dissimilarity", "description"]
    'Index of dissimilarity D (Duncan & Duncan 1955; Massey & Denton 1988).'
    >>> bool(t.loc["morans_i", "p_value"])
    True
    """
    import importlib
    import re

    import pandas as pd

    rows = []
    for name, spec in INDEX_SPECS.items():
        module = importlib.import_module(spec.kernel.__module__)
        public = getattr(module, name, None)
        doc = (getattr(public, "__doc__", None) or spec.kernel.__doc__ or "").strip()
        rows.append(
            {
                "index": name,
                "family": spec.family,
                "parameters": ", ".join(spec.parameters) or "",
                "p_value": spec.p_value is not None,
                # plain text: ":math:`{}_xP_x^*`" -> "{}_xP_x^*"
                "description": re.sub(r":\w+:`([^`]*)`", r"\1", doc.splitlines()[0]) if doc else "",
            }
        )
    return pd.DataFrame(rows)

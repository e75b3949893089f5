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

__all__ = ["INDEX_SPECS", "INDEX_FAMILY", "INDICES", "index_spec"]

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

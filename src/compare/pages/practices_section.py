"""Section 5 of a city report: practices the city gave to others and adopted from them."""

from __future__ import annotations

import pandas as pd

from compare.errors import DataError
from compare.pages._common import Section
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)

__all__ = ["PracticesSection", "practices_table"]


def practices_table(a: CityAssessment, role: str = "given") -> pd.DataFrame:
    """Practices the city gave to other cities (``role="given"``) or adopted (``"adopted"``).

    Examples
    --------
    >>> practices_table(a, "adopted")["practice"].tolist()  # doctest: +SKIP
    ['tempo-orchestra']
    """
    tr = a.catalogue.transfers_table()
    names = a.catalogue.table().set_index("id")["name"] if a.catalogue.practices else pd.Series()
    if role == "given":
        own = a.catalogue.table()
        own = own[own["origin_city"] == a.city]
        return own[["id", "name", "themes", "start_year", "adopted_by", "confidence", "sources"]]
    if role != "adopted":
        raise DataError(f"role {role!r}; expected 'given' or 'adopted'", column="role")
    t = tr[tr["adopter"] == a.city].copy()
    t.insert(1, "name", t["practice"].map(names))
    return t.reset_index(drop=True)


class PracticesSection(Section):
    """The catalogue's practices that originate in the city (``"given"``) or it adopted (``"adopted"``).

    Examples
    --------
    >>> PracticesSection(load_city("helsinki-berlin", "vantaa"), "adopted").table()["practice"].tolist()
    ['tempo-orchestra']
    """

    def __init__(self, a, role: str = "given"):
        super().__init__(a)
        self.role = role

    @property
    def empty(self) -> str:
        """The sentence shown instead of an empty table."""
        if self.role == "given":
            return f"No practice of the catalogue (data/practices) originates in {self.a.name}."
        return f"The catalogue (data/practices) records no practice {self.a.name} adopted from another city."

    def table(self) -> pd.DataFrame:
        """The practices (:func:`practices_table`)."""
        return practices_table(self.a, self.role)

    def parts(self) -> list:
        """Displayables of the section, in order."""
        return [self.table()]

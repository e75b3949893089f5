"""What every self-assessment form carries: its identifier, version, roles and organisation types.

Shared by the questionnaire and its two forms (spreadsheet, offline HTML), so that neither form
module needs the questionnaire module that writes it.
"""

from __future__ import annotations

from compare.governance.profile import MEMBER_TYPES

#: Identifier written into every form (so that other files are recognised as not ours).
FORM_ID = "compare-self-assessment"
#: Layout version of the forms.
FORM_VERSION = 1
#: The answer that records "I cannot judge this" (not a score).
DONT_KNOW = "don't know"
#: Roles a rater can have: the member types of the governance-profile schema.
ROLES: tuple[str, ...] = MEMBER_TYPES
#: Readable labels of the roles.
ROLE_LABELS: dict[str, str] = {
    "municipal_sector": "municipal sector (a city department or service)",
    "public_authority": "other public authority (region, state, police, employment office, ...)",
    "local_organisation": "local organisation (NGO, association, service provider, housing company)",
    "resident": "resident",
    "business": "business",
}
#: Organisation types a rater can choose (coarser than names; "none" for residents).
ORGANISATION_TYPES: tuple[str, ...] = (
    "city administration",
    "other public authority",
    "NGO or association",
    "social or health service provider",
    "housing company",
    "school or education provider",
    "business",
    "residents' group",
    "none (individual resident)",
    "other",
)

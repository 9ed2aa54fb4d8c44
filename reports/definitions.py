"""What each figure means. Shown on the statistics pages, in the exports and in the README."""

from django.utils.translation import gettext_lazy as _

FIGURES = [
    "participants", "projects", "joint_publications", "grant_applications", "conferences",
    "erasmus_mobility_grants", "implementations",
]

LABELS = {
    "partner_universities": _("Partner universities"),
    "scientific_areas": _("Scientific areas"),
    "participants": _("Participants"),
    "projects": _("Projects"),
    "joint_publications": _("Joint scientific publications"),
    "grant_applications": _("Applications for international grants"),
    "conferences": _("International conferences"),
    "erasmus_mobility_grants": _("ERASMUS+ mobility grants"),
    "implementations": _("Implementations of results at customers"),
}

# Column headings and chart labels.
SHORT_LABELS = {
    "participants": _("Participants"),
    "projects": _("Projects"),
    "joint_publications": _("Joint publications"),
    "grant_applications": _("Grant applications"),
    "conferences": _("Conferences"),
    "erasmus_mobility_grants": _("ERASMUS+ grants"),
    "implementations": _("Implementations"),
}

# Column titles of the breakdown tables in exports (the statistics rows' keys → a heading).
COLUMN_TITLES = {
    "year": _("Year"),
    "university": _("University"),
    "country": _("Country code"),
    "country_name": _("Country"),
    "is_host": _("Host university"),
    "area": _("Scientific area"),
    "degree_level": _("Degree level code"),
    "label": _("Degree level"),
    **SHORT_LABELS,
}


def column_title(key: str) -> str:
    """A translated heading for a breakdown column; an unknown key still reads as words."""
    title = COLUMN_TITLES.get(key)
    return str(title) if title is not None else key.replace("_", " ").capitalize()


# The wording of the seed's results block ("10 joint scientific publications").
BLOCK_LABELS = {
    "participants": _("participants"),
    "projects": _("projects"),
    "joint_publications": _("joint scientific publications"),
    "grant_applications": _("applications for international grants"),
    "conferences": _("international conferences"),
    "erasmus_mobility_grants": _("ERASMUS+ mobility grants"),
    "implementations": _("implementations of results at customers"),
}

DEFINITIONS = {
    "partner_universities": _(
        "Universities other than the host with at least one participant (see below) in an "
        "edition of the range."),
    "scientific_areas": _("Scientific areas of the projects counted below."),
    "participants": _(
        "Distinct people who were team members (students, team leads, supervisors) of an approved "
        "project, or its proposer or co-supervisor, in an edition whose year is in the range. "
        "A person in several editions counts once."),
    "projects": _(
        "Projects of editions in the range whose status is approved, active or completed."),
    "joint_publications": _(
        "Publications of marathon projects, dated by publication year, whose authors come from at "
        "least two different universities (a portal user counts with the university recorded for "
        "the publication, an external author with their affiliation)."),
    "grant_applications": _(
        "Grant applications of marathon projects submitted in the range (whatever their outcome) "
        "whose applicant universities are in at least two countries."),
    "conferences": _(
        "Distinct international conferences (same name and year count once) at which a marathon "
        "project presented, dated by the conference's first day."),
    "erasmus_mobility_grants": _(
        "Mobilities funded by ERASMUS+ whose status is approved, in progress or completed, "
        "counted in the year of their planned start."),
    "implementations": _(
        "Implementations of project results at industry customers, recorded by the project's "
        "supervisors or the customer and confirmed by the other side, counted in the year the "
        "result was put to use."),
}


def definition_rows() -> list[dict]:
    return [{"key": key, "label": LABELS[key], "definition": DEFINITIONS[key]} for key in DEFINITIONS]

"""Does a team meet its edition's mix rule? Shared by the catalogue, the team page and the API.

Pure functions over already-loaded rows, so callers control the queries (prefetch the team's
memberships with their users, and the project's edition)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import MembershipRole, Team

STUDENT_ROLES = (MembershipRole.MEMBER, MembershipRole.LEAD)


@dataclass(frozen=True)
class TeamComposition:
    students: int
    capacity: int
    minimum: int
    universities: int
    min_universities: int
    degree_levels: frozenset = field(default_factory=frozenset)
    degree_mix_required: bool = False
    missing: tuple = ()

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.students, 0)

    @property
    def is_full(self) -> bool:
        return self.students >= self.capacity

    @property
    def meets_rules(self) -> bool:
        return not self.missing


def compose(*, students, capacity: int, minimum: int, edition) -> TeamComposition:
    """`students` are the student members' User rows (university and status loaded)."""
    universities = {s.university_id for s in students if s.university_id}
    levels = frozenset(s.status for s in students)
    missing = []
    if len(students) < minimum:
        short = minimum - len(students)
        missing.append(ngettext("%(count)d more student is needed.",
                                "%(count)d more students are needed.", short) % {"count": short})
    if len(universities) < edition.min_universities:
        short = edition.min_universities - len(universities)
        missing.append(ngettext("Students from %(count)d more university are needed.",
                                "Students from %(count)d more universities are needed.", short)
                       % {"count": short})
    if edition.require_degree_mix and len(levels) < 2:
        missing.append(_("Students of at least two degree levels are needed."))
    return TeamComposition(
        students=len(students), capacity=capacity, minimum=minimum,
        universities=len(universities), min_universities=edition.min_universities,
        degree_levels=levels, degree_mix_required=edition.require_degree_mix,
        missing=tuple(missing),
    )


def team_composition(team: Team) -> TeamComposition:
    """Uses `team.memberships.all()` (prefetch it with `user`) and `team.project.edition`."""
    students = [m.user for m in team.memberships.all() if m.role in STUDENT_ROLES]
    return compose(students=students, capacity=team.capacity,
                   minimum=team.project.team_size_min, edition=team.project.edition)

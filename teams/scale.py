"""Scale data of `teams`: the join requests behind the memberships (`ORDER` after projects)."""

from datetime import timedelta

from marathon.scale import Context, at, between, bulk
from teams.models import JoinRequest, RequestStatus

ORDER = 20


def join_requests(ctx: Context) -> None:
    """Past editions: the accepted requests behind most student memberships, and some declined.
    The current edition: pending requests from students not yet in a team."""
    rng = ctx.rng
    rows = []
    current = ctx.current_edition
    placed_now = {u.pk for t in ctx.teams if t.edition_id == current.pk for u, _ in ctx.members[t.pk]}
    free_students = [u for u in ctx.students if u.pk not in placed_now]
    for team in ctx.teams:
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        motivation = "I would like to join: my skills fit the project's needs."
        if team.edition_id == current.pk:
            for student in rng.sample(free_students, min(len(free_students), rng.randint(0, 4))):
                rows.append(JoinRequest(team=team, student=student, motivation=motivation,
                                        created_at=at(between(rng, edition.team_formation_start,
                                                              ctx.today), 14)))
            continue
        for user, _role in ctx.members[team.pk]:
            if rng.random() < 0.7:
                sent = at(between(rng, edition.team_formation_start, edition.team_formation_end), 8)
                rows.append(JoinRequest(team=team, student=user, motivation=motivation,
                                        status=RequestStatus.ACCEPTED, created_at=sent,
                                        decided_at=sent + timedelta(days=2),
                                        decided_by_id=team.project.proposer_id))
        for student in rng.sample(ctx.students, rng.randint(0, 2)):
            sent = at(between(rng, edition.team_formation_start, edition.team_formation_end), 8)
            rows.append(JoinRequest(team=team, student=student, motivation=motivation,
                                    status=RequestStatus.DECLINED, created_at=sent,
                                    decided_at=sent + timedelta(days=3),
                                    decided_by_id=team.project.proposer_id))
    bulk(JoinRequest, rows)
    ctx.counts.update(join_requests=len(rows))


generate = join_requests

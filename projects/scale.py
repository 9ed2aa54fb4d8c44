"""Scale data of `projects`: the projects of every edition (most with a team; some drafts,
submissions and rejections), co-supervisors, teams and their memberships. Run by
`marathon.scale.generate` after the core's universities, editions and people (`ORDER`)."""

from datetime import timedelta

from marathon.models import Edition, User
from marathon.scale import SKILLS, Context, at, between, bulk
from projects.models import DegreeLevel, Membership, MembershipRole, Project, ProjectStatus, Team

ORDER = 10

TITLE_METHODS = ["Machine learning", "Multiscale modelling", "Additive manufacturing", "Sensor fusion",
                 "Corpus analysis", "Digital twins", "Optimisation", "Spectroscopy", "Simulation",
                 "Life-cycle assessment", "Deep learning", "Surface engineering", "Bayesian inference"]
TITLE_OBJECTS = ["lightweight alloys", "battery cells", "wind turbines", "medical implants",
                 "neural interfaces", "bilingual dictionaries", "smart grids", "polymer composites",
                 "hydrogen storage", "speech corpora", "heat exchangers", "biosensors", "solar cells"]
TITLE_USES = ["for industry 4.0", "for sustainable cities", "in harsh environments", "at low cost",
              "for early diagnosis", "for machine translation", "for the energy transition",
              "in Arctic conditions", "for rail transport", "for precision agriculture"]
REJECTION_REASONS = ["Out of the programme's scope.", "No customer and no partner supervisor.",
                     "Overlaps an approved project of the same edition."]


def projects_and_teams(ctx: Context) -> None:
    plan = teams_per_edition(ctx)
    projects, extra = [], []
    for edition, count in zip(ctx.editions, plan, strict=True):
        for _ in range(count):
            projects.append(project_row(ctx, edition, with_team=True))
        for _ in range(max(1, count // 10)):
            extra.append(project_row(ctx, edition, with_team=False))
    ctx.projects = bulk(Project, projects + extra)
    with_team = ctx.projects[: len(projects)]
    cosup = Project.co_supervisors.through
    cosup_rows = []
    for project in ctx.projects:
        for user in co_supervisors_for(ctx, project):
            cosup_rows.append(cosup(project_id=project.pk, user_id=user.pk))
    bulk(cosup, cosup_rows)
    cosup_of = {}
    for row in cosup_rows:
        cosup_of.setdefault(row.project_id, []).append(row.user_id)
    ctx.teams = bulk(Team, [
        Team(project=p, edition=p.edition, name=p.title[:200], capacity=p.team_size_max,
             created_at=p.decided_at) for p in with_team])
    memberships = []
    for edition in ctx.editions:
        teams = [t for t in ctx.teams if t.edition_id == edition.pk]
        memberships += staff_teams(ctx, edition, teams, cosup_of)
    bulk(Membership, memberships)
    ctx.counts.pop("_students_used", None)
    ctx.counts.update(projects=len(ctx.projects), teams=len(ctx.teams), memberships=len(memberships),
                      co_supervisions=len(cosup_rows))


def teams_per_edition(ctx: Context) -> list[int]:
    """The network grows: later editions have more teams (weights 3, 4, ... E + 2)."""
    total, count = ctx.sizes.teams, len(ctx.editions)
    weights = [i + 3 for i in range(count)]
    plan = [total * w // sum(weights) for w in weights]
    plan[-1] += total - sum(plan)
    return ctx.sizes.with_evaluation_teams(plan)  # issue 18's equal-data edition, if asked for


def project_status(ctx: Context, edition: Edition, with_team: bool) -> str:
    if not with_team:
        if edition == ctx.current_edition:
            return ctx.rng.choice([ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED])
        return ProjectStatus.REJECTED
    if edition == ctx.current_edition:
        return ProjectStatus.APPROVED
    if edition == ctx.evaluation_edition:
        return ProjectStatus.ACTIVE
    return ProjectStatus.COMPLETED


def project_row(ctx: Context, edition: Edition, *, with_team: bool):
    rng = ctx.rng
    area = rng.choice(ctx.areas)
    method, obj, use = rng.choice(TITLE_METHODS), rng.choice(TITLE_OBJECTS), rng.choice(TITLE_USES)
    status = project_status(ctx, edition, with_team)
    proposer = proposer_for(ctx, edition)
    created = at(between(rng, edition.proposals_start, edition.proposals_end), 9)
    decided = created + timedelta(days=rng.randint(3, 20)) if status != ProjectStatus.DRAFT else None
    levels = rng.sample(list(DegreeLevel.values), rng.randint(1, 3))
    return Project(
        edition=edition, area=area, title=f"{method} of {obj} {use}",
        summary=f"{method} applied to {obj} {use}: a joint {area.name.lower()} project of partner "
                f"universities.",
        description=f"## Goal\n{method} of {obj}.\n\n## Tasks\n- literature review\n- experiments\n"
                    f"- joint publication\n\nThe team works {use}.",
        keywords=", ".join([method.lower(), obj, area.name.lower()]),
        customer=rng.choice(ctx.organisations) if rng.random() < 0.6 else None,
        proposer=proposer, team_size_min=edition.team_size_min, team_size_max=edition.team_size_max,
        wanted_degree_levels=sorted(levels), wanted_skills=", ".join(rng.sample(SKILLS, 2)),
        status=status,
        rejection_reason=rng.choice(REJECTION_REASONS) if status == ProjectStatus.REJECTED else "",
        submitted_at=created + timedelta(days=1) if status != ProjectStatus.DRAFT else None,
        decided_at=decided if status not in (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED) else None,
        decided_by=ctx.accounts["office"] if decided and status != ProjectStatus.SUBMITTED else None,
        created_at=created,
    )


def proposer_for(ctx: Context, edition: Edition) -> User:
    # The demo professor proposes a few projects of the current edition (their own team pages).
    if edition == ctx.current_edition and ctx.rng.random() < 0.03:
        return ctx.accounts["professor"]
    # Half of the supervisors propose, in turns: at scale 100 an active professor proposes about
    # two projects in ten years; at scale 1 nearly every supervisor takes part, as in the seed.
    if not ctx.proposers:
        active = ctx.supervisors[: max(16, len(ctx.supervisors) // 2)]
        ctx.proposers = ctx.rng.sample(active, len(active))
    return ctx.proposers.pop()


def co_supervisors_for(ctx: Context, project) -> list[User]:
    """0-2 co-supervisors, preferably from another university (mixed supervision)."""
    rng = ctx.rng
    picks = []
    for _ in range(rng.choices([0, 1, 2], [35, 45, 20])[0]):
        user = rng.choice(ctx.supervisors)
        if user.pk != project.proposer_id and user not in picks:
            picks.append(user)
    return picks


def staff_teams(ctx: Context, edition: Edition, teams: list, cosup_of: dict) -> list:
    """Supervisors plus students: each student in at most one team of the edition; most
    students take part in one edition, some come back the next year."""
    rng = ctx.rng
    current = edition == ctx.current_edition
    low = 3 if current else edition.team_size_min + 1
    high = edition.team_size_max - 1 if current else edition.team_size_max
    pool = student_pool(ctx, edition, slots=len(teams) * (low + high) // 2)
    rows = []
    for team in teams:
        project = team.project
        supervisors = [project.proposer_id, *cosup_of.get(project.pk, [])]
        for user_id in supervisors:
            rows.append(Membership(team=team, user_id=user_id, edition=edition,
                                   role=MembershipRole.SUPERVISOR, joined_at=team.created_at))
        size = rng.randint(low, high)
        chosen = [pool.pop() for _ in range(min(size, len(pool)))]
        ctx.members[team.pk] = [(u, MembershipRole.MEMBER) for u in chosen]
        for i, user in enumerate(chosen):
            role = MembershipRole.LEAD if i == 0 and not current else MembershipRole.MEMBER
            joined = at(between(rng, edition.team_formation_start,
                                min(edition.team_formation_end, ctx.today)), 11)
            rows.append(Membership(team=team, user=user, edition=edition, role=role, joined_at=joined))
    return rows


def student_pool(ctx: Context, edition: Edition, *, slots: int) -> list:
    """Students available for an edition, the last one popped first: newcomers of this edition
    (the next slice of the students, sized by the edition's places) plus ~1/8 returning from
    earlier editions."""
    rng = ctx.rng
    start = ctx.counts.get("_students_used", 0)
    earlier = ctx.students[:start]
    returning = rng.sample(earlier, min(len(earlier), slots // 8))
    share = min(slots + slots // 10 - len(returning), max(len(ctx.students) - start, 0))
    fresh = ctx.students[start:start + share]
    ctx.counts["_students_used"] = start + share
    pool = returning + fresh
    rng.shuffle(pool)
    return pool


def team_user_ids(ctx: Context) -> dict:
    ids = {}
    for team_id, user_id in Membership.objects.filter(team__in=ctx.teams).values_list("team_id", "user_id"):
        ids.setdefault(team_id, set()).add(user_id)
    return ids


generate = projects_and_teams

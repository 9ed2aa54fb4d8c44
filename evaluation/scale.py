"""Scale data of `evaluation`: commissions, criteria, assignments, score sheets, results handed in
and the published results of the closed editions (`ORDER` 40, after projects and teams)."""

import math
from datetime import timedelta

from django.contrib.auth.models import Group

from evaluation.models import (
    Assignment,
    Commission,
    CommissionMember,
    Criterion,
    ResultSnapshot,
    ResultSubmission,
    Score,
    ScoreSheet,
    ScoreSheetRevision,
)
from evaluation.selectors import compute_results
from evaluation.services.aggregates import specs_of, weighted_score
from marathon import roles
from marathon.models import Notification, Organisation, User
from marathon.scale import Context, at, between, bulk
from projects.models import Membership
from projects.scale import team_user_ids

ORDER = 40

CRITERIA = [
    ("Scientific quality", 30, "Originality, rigour and depth of the research."),
    ("Practical value for the customer", 20, "How useful the results are to the customer."),
    ("International teamwork", 20, "How well the mixed team worked together across universities."),
    ("Results and outputs", 20, "Prototypes, data, publications and other outputs."),
    ("Presentation", 10, "Clarity of the final report and the presentation."),
]
LEVEL_LABELS = ["poor", "fair", "good", "very good", "excellent"]


def evaluation(ctx: Context) -> None:
    """A commission per edition with experts of every group, five weighted criteria, ~6 experts
    per project in the evaluated editions (load balanced, conflict-free), their score sheets:
    all submitted in closed editions, about half in the edition being evaluated today."""
    evaluated = [e for e in ctx.editions if e != ctx.current_edition]
    teams = [t for t in ctx.teams if t.edition_id != ctx.current_edition.pk]
    per_project = max(3, min(7, round(ctx.sizes.score_sheets / max(len(teams), 1))))
    if ctx.sizes.equal_data:  # issue 18: the other editions as if the evaluated one were not grown
        others = [t for t in teams if t.edition_id != ctx.evaluation_edition.pk]
        per_project = max(3, min(7, round(ctx.sizes.score_sheets / max(len(others), 1))))
    experts = expert_pool(ctx)
    commissions = bulk(Commission, [Commission(edition=e) for e in ctx.editions])
    criteria = bulk(Criterion, [
        Criterion(edition=e, name=name, guidance=guidance, weight=weight, scale_min=1, scale_max=5,
                  level_labels=LEVEL_LABELS, position=i)
        for e in ctx.editions for i, (name, weight, guidance) in enumerate(CRITERIA)])
    criteria_of = {}
    for criterion in criteria:
        criteria_of.setdefault(criterion.edition_id, []).append(criterion)
    members_of = commission_members(ctx, commissions, experts, per_project)
    assignments = assign_experts(ctx, evaluated, members_of, per_project)
    sheets, scores = score_sheets(ctx, assignments, criteria_of)
    result_submissions(ctx, teams)
    published = publish_closed(ctx, commissions)
    ctx.counts.update(commission_members=sum(len(m) for m in members_of.values()),
                      published_results=published,
                      criteria=len(criteria), assignments=len(assignments), score_sheets=sheets,
                      scores=scores)


def expert_pool(ctx: Context) -> list[tuple]:
    """(user, group, organisation): host and partner professors, customer representatives,
    investors and external experts; the chair and expert personas sit on every commission."""
    rng = ctx.rng
    wanted = max(10, ctx.sizes.experts)
    professors = [u for u in ctx.supervisors if u.status == User.Status.PROFESSOR]
    industry = list(ctx.industry)
    pool = []
    for user in rng.sample(professors, min(len(professors), wanted * 7 // 10)):
        group = "host_professor" if user.university and user.university.is_host else "partner_professor"
        if rng.random() < 0.1:
            group = "external"
        pool.append((user, group, None))
    for user in rng.sample(industry, min(len(industry), wanted - len(pool))):
        org = user.organisation
        pool.append((user, "investor" if org and org.kind == Organisation.Kind.INVESTOR else "customer", org))
    return pool


def commission_members(ctx: Context, commissions: list, experts: list, per_project: int) -> dict:
    rng = ctx.rng
    group_users = User.groups.through
    commission_group = Group.objects.get(name=roles.COMMISSION_MEMBERS)
    rows, members_of = [], {}
    teams_in = {}
    for team in ctx.teams:
        teams_in[team.edition_id] = teams_in.get(team.edition_id, 0) + 1
    for commission in commissions:
        # About 30 projects per expert at most, never fewer experts than a project needs + 2.
        size = max(per_project + 2, math.ceil(teams_in.get(commission.edition_id, 0) * per_project / 30))
        if ctx.sizes.equal_data and commission.edition_id == ctx.evaluation_edition.pk:
            size = ctx.sizes.evaluation_experts  # issue 18: the peer's commission (~276 experts)
        chosen = rng.sample(experts, min(len(experts), size))
        members = [CommissionMember(commission=commission, user=ctx.accounts["chair"],
                                    group="partner_professor", is_chair=True),
                   CommissionMember(commission=commission, user=ctx.accounts["expert"],
                                    group="partner_professor")]
        members += [CommissionMember(commission=commission, user=user, group=group, organisation=org)
                    for user, group, org in chosen]
        members_of[commission.edition_id] = members
        rows += members
    bulk(CommissionMember, rows)
    in_group = {ctx.accounts["chair"].pk, ctx.accounts["expert"].pk}
    extra = sorted({m.user_id for m in rows} - in_group)
    bulk(group_users, [group_users(user_id=pk, group_id=commission_group.pk) for pk in extra])
    return members_of


def conflicted(member, project, team_user_ids: set) -> bool:
    """The rules of DESIGN.md: supervises or is in the team, or the customer is their org."""
    org_ids = {member.organisation_id, member.user.organisation_id} - {None}
    return member.user_id in team_user_ids or (project.customer_id in org_ids)


def assign_experts(ctx: Context, editions: list, members_of: dict, per_project: int) -> list:
    """Load balanced (the least loaded eligible expert first), at least two groups per project,
    no conflicts; the expert persona gets ~20 projects of the edition being evaluated."""
    rng = ctx.rng
    team_users = team_user_ids(ctx)
    rows = []
    for edition in editions:
        members = members_of[edition.pk]
        wanted = per_project
        if ctx.sizes.equal_data and edition == ctx.evaluation_edition:
            wanted = ctx.sizes.evaluation_per_project  # issue 18: enough for the submitted sheets
        load = {id(m): 0 for m in members}
        teams = [t for t in ctx.teams if t.edition_id == edition.pk]
        for index, team in enumerate(teams):
            project = team.project
            eligible = [m for m in members if not m.is_chair
                        and not conflicted(m, project, team_users[team.pk])]
            rng.shuffle(eligible)
            eligible.sort(key=lambda m: load[id(m)])
            if edition == ctx.evaluation_edition and index < 20:
                persona = next(m for m in members if m.user_id == ctx.accounts["expert"].pk)
                eligible.remove(persona)
                eligible.insert(0, persona)
            chosen = eligible[:wanted]
            if len({m.group for m in chosen}) < 2:
                other = next((m for m in eligible[wanted:] if m.group != chosen[0].group), None)
                if other is not None:
                    chosen[-1] = other
            for member in chosen:
                load[id(member)] += 1
                rows.append(Assignment(member=member, project=project, automatic=True,
                                       created_by=ctx.accounts["chair"],
                                       created_at=at(edition.research_end, 12)))
    return bulk(Assignment, rows)


def score_sheets(ctx: Context, assignments: list, criteria_of: dict) -> tuple[int, int]:
    """Each project has a true quality and each expert a bias (harsh or lenient), so the
    aggregation methods have something to correct. The expert persona's sheets of the edition
    being evaluated stay drafts (the benchmark saves them)."""
    rng = ctx.rng
    quality, bias = {}, {}
    sheets, pending_scores = [], []
    persona = ctx.accounts["expert"].pk
    submitting = equal_data_submitted(ctx, assignments)
    for assignment in assignments:
        project, member = assignment.project, assignment.member
        edition = next(e for e in ctx.editions if e.pk == project.edition_id)
        q = quality.setdefault(project.pk, rng.gauss(3.3, 0.7))
        b = bias.setdefault(member.user_id, rng.gauss(0, 0.5))
        evaluating = edition == ctx.evaluation_edition
        submitted = not evaluating or (member.user_id != persona and rng.random() < 0.55)
        if evaluating and submitting is not None:
            submitted = id(assignment) in submitting
        filled = submitted or (member.user_id != persona and rng.random() < 0.6)
        saved = at(between(rng, edition.evaluation_start, min(edition.evaluation_end, ctx.today)), 16)
        sheet = ScoreSheet(assignment=assignment, status="submitted" if submitted else "draft",
                           feedback="Solid work; strengthen the evaluation section." if filled else "",
                           submitted_at=saved if submitted else None, updated_at=saved)
        sheets.append(sheet)
        if filled:
            criteria = criteria_of[edition.pk]
            values = [max(1, min(5, round(q + b + rng.gauss(0, 0.6)))) for _ in criteria]
            pending_scores.append((sheet, values, criteria))
            # Stored as the services store it, so generated sheets read like saved ones.
            sheet.weighted_score = weighted_score({c.pk: v for c, v in zip(criteria, values, strict=True)},
                                                  specs_of(criteria))
    bulk(ScoreSheet, sheets)
    scores, revisions = [], []
    for sheet, values, criteria in pending_scores:
        for criterion, value in zip(criteria, values, strict=True):
            scores.append(Score(sheet=sheet, criterion=criterion, value=value, scale_min=1, scale_max=5))
        revisions.append(ScoreSheetRevision(
            sheet=sheet, number=1, action=sheet.status, actor_id=sheet.assignment.member.user_id,
            data={"scores": {str(c.pk): v for c, v in zip(criteria, values, strict=True)},
                  "feedback": sheet.feedback}, created_at=sheet.updated_at))
    bulk(Score, scores)
    bulk(ScoreSheetRevision, revisions)
    return len(sheets), len(scores)


def equal_data_submitted(ctx: Context, assignments: list) -> set | None:
    """Issue 18's equal-data edition: exactly `Sizes.evaluation_submitted` of the evaluated
    edition's assignments (never the expert persona's) are submitted, drawn at random; the rest
    stay drafts for the experts' save scenarios. None without the option (the default draw)."""
    if not ctx.sizes.equal_data:
        return None
    persona = ctx.accounts["expert"].pk
    candidates = [a for a in assignments if a.project.edition_id == ctx.evaluation_edition.pk
                  and a.member.user_id != persona]
    chosen = ctx.rng.sample(candidates, min(len(candidates), ctx.sizes.evaluation_submitted))
    return {id(a) for a in chosen}


def publish_closed(ctx: Context, commissions: list) -> int:
    """Closed editions' results are published: a frozen snapshot made by the app's own
    selector (as `publish_results` does) and the "results published" notification of every
    team member, bulk-inserted and already read and e-mailed (the service would render and
    e-mail ~10,000 of them one by one)."""
    closed = [c for c in commissions if c.edition_id not in (ctx.evaluation_edition.pk, ctx.current_edition.pk)]
    snapshots, notes = [], []
    for commission in closed:
        edition = next(e for e in ctx.editions if e.pk == commission.edition_id)
        published = at(edition.evaluation_end + timedelta(days=1), 9)
        snapshots.append(ResultSnapshot(commission=commission, data=compute_results(commission),
                                        published_by=ctx.accounts["chair"], published_at=published))
        for user_id in Membership.objects.filter(edition=edition).values_list("user_id", flat=True).order_by("pk"):
            notes.append(Notification(
                recipient_id=user_id, kind="evaluation_published",
                subject=f"Results of the {edition.year} marathon are published",
                body=f"The commission has published the results of the {edition.year} edition.",
                url=f"/evaluation/results/{edition.year}/", created_at=published,
                read_at=published + timedelta(days=ctx.rng.randint(0, 20)), emailed_at=published,
                email_attempts=1))
    bulk(ResultSnapshot, snapshots)
    bulk(Notification, notes)
    ctx.counts.update(notifications=ctx.counts.get("notifications", 0) + len(notes))
    return len(snapshots)


def result_submissions(ctx: Context, teams: list) -> None:
    bulk(ResultSubmission, [
        ResultSubmission(team=team, summary=f"Results of {team.name}: a prototype, a data set and "
                                            f"a draft joint paper.",
                         submitted_by_id=team.project.proposer_id,
                         submitted_at=at(next(e for e in ctx.editions if e.pk == team.edition_id).research_end, 18))
        for team in teams])


generate = evaluation

"""Scale data of the industry app (found by `marathon.scale.app_steps()`): at scale 100 about
400 research tasks, 300 internships, 3,000 applications and 150 implementations, bulk-inserted."""

from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from marathon.models import User
from marathon.scale import bulk

from .models import (
    ApplicationStatus,
    Confidentiality,
    CustomerRepresentative,
    Implementation,
    ImplementationStatus,
    Internship,
    InternshipApplication,
    RecordedSide,
    RepresentativeStatus,
    ResearchTask,
    TaskAdoption,
    TaskStatus,
    WorkMode,
)
from .permissions import CUSTOMER_REPRESENTATIVES

ORDER = 80
TOPICS = ["steel", "hydrogen", "sensor", "corrosion", "battery", "speech", "coating", "grid", "polymer",
          "turbine", "implant", "catalyst", "robot", "welding", "lidar", "translation"]
CITIES = [("Munich", "DE", 48.1372, 11.5755), ("Graz", "AT", 47.0707, 15.4395), ("Madrid", "ES", 40.4168, -3.7038),
          ("Cadiz", "ES", 36.5271, -6.2886), ("Berlin", "DE", 52.52, 13.405),
          ("St. Petersburg", "RU", 59.9343, 30.3351), ("Cherepovets", "RU", 59.1226, 37.9035),
          ("Linz", "AT", 48.3069, 14.2858)]


def generate(ctx) -> None:
    scale = ctx.sizes.scale
    links = _representatives(ctx)
    org_of = {link.user_id: link.organisation_id for link in links}
    reps_by_org = {}
    for link in links:
        reps_by_org.setdefault(link.organisation_id, []).append(link.user_id)
    organisations = sorted(reps_by_org) or [o.pk for o in ctx.organisations]
    submitter = {org: (reps_by_org.get(org) or [ctx.accounts["office"].pk])[0] for org in organisations}
    tasks = _tasks(ctx, 4 * scale, organisations, submitter)
    adoptions = _adoptions(ctx, tasks)
    internships = _internships(ctx, 3 * scale, organisations, submitter)
    applications = _applications(ctx, internships, 30 * scale)
    implementations = _implementations(ctx, round(1.5 * scale), org_of)
    ctx.counts.update(research_tasks=len(tasks), task_adoptions=len(adoptions), internships=len(internships),
                      internship_applications=len(applications), implementations=len(implementations))


def _representatives(ctx) -> list:
    people = ctx.industry or [u for u in ctx.people if u.status == User.Status.INDUSTRY]
    rng = ctx.rng
    links = [CustomerRepresentative(user_id=u.pk, organisation_id=rng.choice(ctx.organisations).pk, email=u.email,
                                    status=RepresentativeStatus.APPROVED) for u in people]
    links = bulk(CustomerRepresentative, links)
    group, _created = Group.objects.get_or_create(name=CUSTOMER_REPRESENTATIVES)
    membership = User.groups.through
    bulk(membership, [membership(user_id=link.user_id, group_id=group.pk) for link in links])
    return links


def _tasks(ctx, count, organisations, submitter) -> list:
    rng, now = ctx.rng, timezone.now()
    editions = ctx.editions[-3:]
    rows = []
    for i in range(count):
        org = organisations[i % len(organisations)]
        a, b = rng.sample(TOPICS, 2)
        roll = rng.random()
        status = TaskStatus.APPROVED if roll < 0.7 else TaskStatus.SUBMITTED if roll < 0.9 else TaskStatus.REJECTED
        rows.append(ResearchTask(
            organisation_id=org, submitted_by_id=submitter[org], title=f"{a.title()} and {b} study {i + 1}",
            problem_statement=f"Our plants need a better understanding of {a} under {b} conditions.",
            expected_results=f"A validated {a} model and a demonstrator.", area=rng.choice(ctx.areas),
            keywords=f"{a}, {b}", resources_offered="Production data and samples.",
            confidentiality=Confidentiality.CONFIDENTIAL if rng.random() < 0.2 else Confidentiality.PUBLIC,
            contact_name="Customer contact", contact_email="contact@customer.example",
            desired_edition=rng.choice(editions), max_adoptions=rng.choice([1, 1, 2, 3]), status=status,
            rejection_reason="Out of scope." if status == TaskStatus.REJECTED else "",
            decided_at=now if status != TaskStatus.SUBMITTED else None,
            created_at=now - timedelta(days=rng.randint(1, 700))))
    return bulk(ResearchTask, rows)


def _adoptions(ctx, tasks) -> list:
    rng = ctx.rng
    approved = [t for t in tasks if t.status == TaskStatus.APPROVED]
    projects = list(ctx.projects)
    rng.shuffle(projects)
    rows = []
    for task, project in zip(approved[: len(approved) // 3], projects, strict=False):
        rows.append(TaskAdoption(task=task, project=project, adopted_by_id=project.proposer_id))
        task.adoption_count = 1
    ResearchTask.objects.bulk_update([r.task for r in rows], ["adoption_count"], batch_size=500)
    return bulk(TaskAdoption, rows)


def _internships(ctx, count, organisations, submitter) -> list:
    rng, today = ctx.rng, ctx.today
    rows = []
    for i in range(count):
        org = organisations[(i * 7) % len(organisations)]
        city, country, lat, lon = rng.choice(CITIES)
        start = today + timedelta(days=rng.randint(-200, 200))
        rows.append(Internship(
            organisation_id=org, created_by_id=submitter[org], title=f"{rng.choice(TOPICS).title()} internship {i + 1}",
            description="Work with our engineers on a real problem.", host_organisation="Customer site",
            site_name=f"Laboratory {i % 9 + 1}", city=city, country=country, latitude=f"{lat:.6f}",
            longitude=f"{lon:.6f}", start_date=start, end_date=start + timedelta(days=rng.randint(30, 120)),
            places=rng.randint(1, 5), stipend="900 EUR a month", degree_levels=["master"],
            mode=rng.choice(list(WorkMode.values)), deadline=start - timedelta(days=30)))
    return bulk(Internship, rows)


def _applications(ctx, internships, count) -> list:
    rng, students = ctx.rng, ctx.students
    per = max(count // max(len(internships), 1), 1)
    rows, accepted = [], {}
    for internship in internships:
        for student in rng.sample(students, min(per, len(students))):
            taken = accepted.get(internship.pk, 0)
            roll = rng.random()
            if roll < 0.15 and taken < internship.places:
                status, accepted[internship.pk] = ApplicationStatus.ACCEPTED, taken + 1
            else:
                status = ApplicationStatus.DECLINED if roll < 0.4 else (
                    ApplicationStatus.SHORTLISTED if roll < 0.55 else ApplicationStatus.SUBMITTED)
            rows.append(InternshipApplication(internship=internship, student_id=student.pk, status=status,
                                              motivation="I would like to join.", cv="industry/cv/scale.pdf",
                                              cv_name="cv.pdf", cv_size=1000))
    for internship in internships:
        internship.accepted_count = accepted.get(internship.pk, 0)
    Internship.objects.bulk_update(internships, ["accepted_count"], batch_size=500)
    return bulk(InternshipApplication, rows)


def _implementations(ctx, count, org_of) -> list:
    rng, now = ctx.rng, timezone.now()
    projects = [p for p in ctx.projects if p.customer_id] or list(ctx.projects)
    years = {edition.pk: edition.year for edition in ctx.editions}
    rows = []
    for i in range(min(count, len(projects))):
        project = projects[(i * 13) % len(projects)]
        confirmed = rng.random() < 0.7
        year = years.get(project.edition_id, ctx.today.year)
        rows.append(Implementation(
            project=project, organisation_id=project.customer_id or ctx.organisations[0].pk,
            what=f"Result {i + 1} in production", where="Plant", implemented_on=date(year, 6, 1),
            evidence_link="https://example.org/evidence", effect="Lower costs.", effect_figure=rng.randint(1, 40),
            effect_unit="%", recorded_side=RecordedSide.SUPERVISORS, recorded_by_id=project.proposer_id,
            status=ImplementationStatus.CONFIRMED if confirmed else ImplementationStatus.PENDING,
            confirmed_at=now if confirmed else None))
    return bulk(Implementation, rows)

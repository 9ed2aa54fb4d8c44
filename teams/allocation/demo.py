"""Demo rankings and a solved allocation draft for the edition whose team formation is open
(idempotent), so the office's "Team allocation" card opens a draft to review. Called by
teams.demo after the projects demo has created the approved projects and their teams.

The demo student (student@marathon.example) ranks nothing: they still see "Rank your projects"."""

from django.db import transaction

from marathon.models import Edition, University, User
from projects.demo import DEMO_DOMAIN

from . import selectors, services
from .models import AllocationRun, PreferenceList

OFFICE = "office@marathon.example"
# name, university short name, degree level, index of the approved teams (by name) they rank first
STUDENTS = [
    ("Amelie Wagner", "TU Graz", User.Status.MASTER, 0),
    ("Dmitry Sokolov", "SPbPU", User.Status.BACHELOR, 0),
    ("Irene Castillo", "UCA", User.Status.PHD, 1),
    ("Jonas Richter", "TU Berlin", User.Status.BACHELOR, 1),
    ("Ksenia Orlova", "SPbPU", User.Status.MASTER, 1),
    ("Pablo Moreno", "UPM", User.Status.BACHELOR, 1),
    ("Tobias Gruber", "TU Graz", User.Status.PHD, 0),
    ("Varvara Lebedeva", "SPbPU", User.Status.BACHELOR, 1),
]
MOTIVATION = "I would like to work on this topic in an international team."


def seed(stdout) -> None:
    edition = Edition.objects.current()
    office = User.objects.filter(email=OFFICE).first()
    if edition is None or office is None:
        stdout.write("  allocation: no current edition or office account; nothing added")
        return
    teams = list(selectors.rankable_teams(edition))
    if len(teams) < 2 or not selectors.preferences_open(edition):
        stdout.write("  allocation: team formation is not open with two approved projects; nothing added")
        return
    ranked = sum(_rank(edition, student, teams, first) for student, first in _students())
    run = AllocationRun.objects.filter(edition=edition).order_by("-created_at", "-id").first()
    if run is None:
        with transaction.atomic():
            run = services.start_run(edition=edition, actor=office)
            # Solved here, before the commit enqueues its task (which then finds the run finished):
            # the draft is ready whether a worker runs or not.
            services.execute_run(run_id=run.pk)
        run.refresh_from_db()
    stdout.write(f"  allocation: {ranked} new ranking(s); run #{run.pk} ({run.status}) for the office to review")


def _students():
    universities = {u.short_name: u for u in University.objects.all()}
    for full_name, uni, status, first in STUDENTS:
        email = ".".join(full_name.lower().split()) + f"@{DEMO_DOMAIN}"
        user, created = User.objects.get_or_create(email=email, defaults={
            "full_name": full_name, "status": status, "university": universities.get(uni),
            "country": universities[uni].country if uni in universities else ""})
        if created:
            user.set_unusable_password()  # demo people who never log in
            user.save(update_fields=["password"])
        yield user, first


def _rank(edition, student, teams, first) -> int:
    if PreferenceList.objects.filter(student=student, edition=edition).exists():
        return 0
    order = [teams[first % len(teams)]] + [t for i, t in enumerate(teams) if i != first % len(teams)]
    services.save_preferences(student=student, edition=edition, actor=student,
                              choices=[{"team": t.pk, "motivation": MOTIVATION} for t in order[:3]])
    return 1

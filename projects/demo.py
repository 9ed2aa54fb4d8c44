"""Demo projects (idempotent, deterministic): the 2018–2020 editions' completed projects with
their mixed teams, and the current edition's projects in every workflow state.

Runs after `marathon/demo.py` (INSTALLED_APPS order), which creates the universities, areas,
organisations, editions and demo accounts used here."""

from datetime import timedelta

from django.utils import timezone

from marathon.demo import evaluating_edition
from marathon.models import Edition, Organisation, ScientificArea, University, User

from . import services
from .models import Membership, MembershipRole, Project, ProjectStatus, Team

DEMO_DOMAIN = "people.marathon.example"

# Supervisors of past editions: name, university short name, status.
SUPERVISORS = [
    ("Irina Volkova", "SPbPU", User.Status.PROFESSOR),
    ("Dmitri Sokolov", "SPbPU", User.Status.PROFESSOR),
    ("Anna Lebedeva", "SPbPU", User.Status.RESEARCHER),
    ("Markus Huber", "TU Graz", User.Status.PROFESSOR),
    ("Katharina Steiner", "TU Graz", User.Status.RESEARCHER),
    ("Stefan Gruber", "TU Graz", User.Status.PROFESSOR),
    ("Javier Ortega", "UPM", User.Status.PROFESSOR),
    ("Lucía Navarro", "UPM", User.Status.RESEARCHER),
    ("Pablo Romero", "UPM", User.Status.PROFESSOR),
    ("Carmen Delgado", "UCA", User.Status.PROFESSOR),
    ("Manuel Herrera", "UCA", User.Status.RESEARCHER),
    ("Rocío Castillo", "UCA", User.Status.PROFESSOR),
    ("Jonas Becker", "TU Berlin", User.Status.PROFESSOR),
    ("Lena Hoffmann", "TU Berlin", User.Status.RESEARCHER),
    ("Felix Wagner", "TU Berlin", User.Status.PROFESSOR),
]

FIRST_NAMES = ["Alexei", "Maria", "Lukas", "Sofía", "Hugo", "Elena", "Tobias", "Daria", "Mateo",
               "Lea", "Nikita", "Paula", "Jan", "Olga", "Diego", "Mia", "Ivan", "Clara", "Adrián",
               "Vera", "Paul", "Alba", "Kirill", "Hannah", "Álvaro", "Polina", "Leon", "Irene",
               "Maxim", "Emma"]
LAST_NAMES = ["Ivanov", "Müller", "García", "Fischer", "Petrova", "López", "Schmid", "Kuznetsov",
              "Martín", "Weber", "Smirnova", "Ruiz", "Bauer", "Popov", "Moreno", "Koch",
              "Vasilieva", "Jiménez", "Richter", "Morozov", "Díaz", "Klein", "Pavlova",
              "Hernández", "Wolf", "Fedorov", "Álvarez", "Schröder", "Nikolaeva", "Romero"]
UNIVERSITY_ROTATION = ["SPbPU", "TU Graz", "UPM", "UCA", "TU Berlin"]
DEGREES = [User.Status.BACHELOR, User.Status.MASTER, User.Status.PHD, User.Status.MASTER,
           User.Status.BACHELOR]
STUDENTS_PER_TEAM = 5

# year, area slug, title, keywords, customer (or None)
PAST_PROJECTS = [
    (2018, "it-technologies", "Predictive maintenance for rolling mills", "machine learning, sensors",
     "Nordic Steel R&D Centre"),
    (2018, "materials-science", "Fatigue of additively manufactured titanium", "additive manufacturing, fatigue",
     "AVL Powertrain Research"),
    (2018, "biomedical-technologies", "Low-cost ECG monitoring for rural clinics", "ECG, embedded systems",
     "MedTech Ventures"),
    (2018, "linguistics", "Terminology extraction for engineering standards", "NLP, terminology",
     "Baltic Language Technologies"),
    (2018, "energy", "Wind power forecasting for the Baltic coast", "wind, forecasting", None),
    (2018, "energy", "Thermal storage in molten salts", "thermal storage, solar", "Iberdrola Innovation Lab"),
    (2019, "it-technologies", "Digital twin of a hydrogen electrolyser", "digital twin, hydrogen",
     "Iberdrola Innovation Lab"),
    (2019, "materials-science", "Self-healing polymer coatings", "polymers, corrosion", "Nordic Steel R&D Centre"),
    (2019, "biomedical-technologies", "Bioresorbable magnesium stents", "magnesium, implants", "MedTech Ventures"),
    (2019, "linguistics", "Machine translation of patent claims", "machine translation, patents",
     "Baltic Language Technologies"),
    (2019, "energy", "Battery ageing in electric buses", "batteries, ageing", "AVL Powertrain Research"),
    (2019, "it-technologies", "Federated learning on hospital data", "privacy, federated learning", None),
    (2020, "it-technologies", "Edge computing for smart grids", "edge computing, grids", "Iberdrola Innovation Lab"),
    (2020, "materials-science", "Graphene sensors for gas leak detection", "graphene, sensors", None),
    (2020, "biomedical-technologies", "Remote rehabilitation with wearables", "wearables, rehabilitation",
     "MedTech Ventures"),
    (2020, "linguistics", "Speech corpora of technical Spanish and Russian", "speech, corpora",
     "Baltic Language Technologies"),
    (2020, "energy", "Hydrogen combustion in gas turbines", "hydrogen, combustion", "AVL Powertrain Research"),
    (2020, "materials-science", "Recycling of rare-earth magnets", "recycling, magnets", "Nordic Steel R&D Centre"),
]

# title, area slug, summary, keywords, customer, final state, co-supervisor name
CURRENT_PROJECTS = [
    ("Digital twin of a cold rolling mill", "it-technologies",
     "A real-time model of a rolling mill to predict strip flatness.", "digital twin, simulation, steel",
     "Nordic Steel R&D Centre", ProjectStatus.APPROVED, "Markus Huber"),
    ("Speech recognition for technical Russian", "linguistics",
     "Adapting open speech models to engineering vocabulary.", "speech recognition, NLP",
     "Baltic Language Technologies", ProjectStatus.APPROVED, "Lucía Navarro"),
    ("Biodegradable magnesium implants", "biomedical-technologies",
     "Corrosion control of magnesium alloys for bone screws.", "magnesium, implants, corrosion",
     "MedTech Ventures", ProjectStatus.SUBMITTED, "Jonas Becker"),
    ("Hydrogen storage in metal hydrides", "energy",
     "Screening hydride alloys for compact hydrogen tanks.", "hydrogen, storage, alloys",
     None, ProjectStatus.DRAFT, "Carmen Delgado"),
]

# Last year's projects, now in the evaluation phase: area slug, title, keywords, customer.
EVALUATING_PROJECTS = [
    ("energy", "Solid-state batteries for city buses", "batteries, electrolytes", "AVL Powertrain Research"),
    ("it-technologies", "Anomaly detection in steel strip images", "computer vision, steel",
     "Nordic Steel R&D Centre"),
    ("linguistics", "Simplified technical Spanish for manuals", "controlled language, NLP", None),
    ("materials-science", "Corrosion sensors for offshore wind farms", "corrosion, sensors",
     "Iberdrola Innovation Lab"),
]

# Students already in the first current team (so its composition shows); the demo student
# (student@marathon.example) stays free to join.
CURRENT_STUDENTS = [
    ("Lina Schulz", "TU Berlin", User.Status.MASTER),
    ("Marcos Vidal", "UPM", User.Status.BACHELOR),
]


def seed(stdout) -> None:
    universities = {u.short_name: u for u in University.objects.all()}
    areas = {a.slug: a for a in ScientificArea.objects.all()}
    customers = {o.name: o for o in Organisation.objects.all()}
    supervisors = [_person(name, universities[uni], status) for name, uni, status in SUPERVISORS]
    by_name = {s.full_name: s for s in supervisors}
    _seed_past(universities, areas, customers, supervisors)
    _seed_evaluating(universities, areas, customers, supervisors)
    _seed_current(universities, areas, customers, by_name)
    stdout.write(f"  projects: {Project.objects.count()} projects, {Team.objects.count()} teams, "
                 f"{Membership.objects.count()} memberships")


def _seed_past(universities, areas, customers, supervisors) -> None:
    for index, (year, area, title, keywords, customer) in enumerate(PAST_PROJECTS):
        _seed_team_project(Edition.objects.get(year=year), index, (area, title, keywords, customer),
                           ProjectStatus.COMPLETED, universities, areas, customers, supervisors)


def _seed_evaluating(universities, areas, customers, supervisors) -> None:
    """Active projects of the edition in evaluation, so its commission has work to score."""
    edition = evaluating_edition()
    if edition is None:
        return
    for offset, row in enumerate(EVALUATING_PROJECTS):
        _seed_team_project(edition, len(PAST_PROJECTS) + offset, row, ProjectStatus.ACTIVE,
                           universities, areas, customers, supervisors)


def _seed_team_project(edition, index, row, status, universities, areas, customers, supervisors) -> None:
    area, title, keywords, customer = row
    proposer = supervisors[(index * 4) % len(supervisors)]
    co_supervisor = supervisors[(index * 4 + 7) % len(supervisors)]
    project, _created = Project.objects.update_or_create(edition=edition, title=title, defaults={
        "area": areas[area], "summary": f"{title}: a joint project of {proposer.university.short_name} "
                                        f"and {co_supervisor.university.short_name}.",
        "description": f"## Goal\n\n{title}.\n\n## Work plan\n\n1. Literature review\n"
                       "2. Joint laboratory work\n3. Publication of the results",
        "keywords": keywords, "customer": customers.get(customer) if customer else None,
        "proposer": proposer, "team_size_min": 3, "team_size_max": STUDENTS_PER_TEAM,
        "status": status, "created_at": _on(edition.proposals_start + timedelta(days=14)),
        "submitted_at": _on(edition.proposals_start + timedelta(days=28)),
        "decided_at": _on(edition.proposals_end + timedelta(days=5))})
    project.co_supervisors.set([co_supervisor])
    team, _created = Team.objects.update_or_create(project=project, defaults={
        "edition": edition, "name": title, "capacity": project.team_size_max})
    for supervisor in (proposer, co_supervisor):
        _member(team, supervisor, MembershipRole.SUPERVISOR)
    for slot in range(STUDENTS_PER_TEAM):
        number = index * STUDENTS_PER_TEAM + slot
        student = _person(_student_name(number), universities[UNIVERSITY_ROTATION[(index + slot) % 5]],
                          DEGREES[slot], email=f"alumni{number + 1:03d}@{DEMO_DOMAIN}")
        _member(team, student, MembershipRole.LEAD if slot == 0 else MembershipRole.MEMBER)


def _seed_current(universities, areas, customers, supervisors_by_name) -> None:
    edition = Edition.objects.current()
    professor = User.objects.get(email="professor@marathon.example")
    office = User.objects.get(email="office@marathon.example")
    for title, area, summary, keywords, customer, state, co_name in CURRENT_PROJECTS:
        if Project.objects.filter(edition=edition, title=title).exists():
            continue
        project = services.create_project(actor=professor, data={
            "edition": edition, "area": areas[area], "title": title, "summary": summary,
            "description": f"## Aim\n\n{summary}\n\n## What students will do\n\n"
                           "- work in the partner laboratories\n- publish a joint paper",
            "keywords": keywords, "customer": customers.get(customer) if customer else None,
            "wanted_degree_levels": ["bachelor", "master"], "wanted_skills": "Python, teamwork",
            "co_supervisors": [supervisors_by_name[co_name]]})
        if state != ProjectStatus.DRAFT:
            services.submit_project(project=project, actor=professor)
        if state == ProjectStatus.APPROVED:
            services.approve_project(project=project, actor=office)
    first = Project.objects.get(edition=edition, title=CURRENT_PROJECTS[0][0])
    for name, uni, status in CURRENT_STUDENTS:
        _member(first.team, _person(name, universities[uni], status), MembershipRole.MEMBER)


def _person(full_name, university, status, email=None) -> User:
    email = email or f"{_slug(full_name)}@{DEMO_DOMAIN}"
    user, created = User.objects.update_or_create(email=email, defaults={
        "full_name": full_name, "status": status, "university": university,
        "country": university.country})
    if created:
        user.set_unusable_password()  # demo people who never log in
        user.save(update_fields=["password"])
    return user


def _member(team, user, role) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        team=team, user=user, defaults={"edition_id": team.edition_id, "role": role})
    return membership


def _student_name(number: int) -> str:
    return f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[(number * 7 + number // 30) % len(LAST_NAMES)]}"


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(ascii_name.lower().split())


def _on(day):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12, 0))

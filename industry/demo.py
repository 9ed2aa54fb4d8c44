"""Demo data of the industry app: a customer representative account for a demo customer, its
research tasks (one adopted into a demo project), an internship with applications and a
confirmed implementation of results. Idempotent: rows are found by natural keys."""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone

from marathon.demo import ensure_demo_user
from marathon.models import Edition, Organisation, ScientificArea, User
from projects.models import Project

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
from .services import sync_role_group

CUSTOMER_EMAIL = "customer@marathon.example"
CUSTOMER_ORGANISATION = "Nordic Steel R&D Centre"
DEMO_CV = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# title, area slug, status, confidentiality, max adoptions, adopted by project title
TASKS = [
    ("Predicting strip flatness in cold rolling", "it-technologies", TaskStatus.APPROVED, Confidentiality.PUBLIC, 2,
     "Digital twin of a cold rolling mill"),
    ("Hydrogen embrittlement of high-strength steel", "materials-science", TaskStatus.APPROVED,
     Confidentiality.CONFIDENTIAL, 1, None),
    ("Recycling of mill scale into pigments", "materials-science", TaskStatus.SUBMITTED, Confidentiality.PUBLIC, 1,
     None),
]


def seed(stdout) -> None:
    organisation = Organisation.objects.filter(name=CUSTOMER_ORGANISATION).first()
    if organisation is None:
        return
    customer = ensure_demo_user(email=CUSTOMER_EMAIL, full_name="Katarina Kuznetsova", status=User.Status.INDUSTRY,
                                university=None, organisation=organisation)
    office = User.objects.filter(email="office@marathon.example").first()
    CustomerRepresentative.objects.update_or_create(user=customer, organisation=organisation, defaults={
        "email": CUSTOMER_EMAIL, "status": RepresentativeStatus.APPROVED, "approved_by": office,
        "invited_by": office, "decided_at": timezone.now(), "note": "Head of research partnerships"})
    sync_role_group(customer)
    tasks = _seed_tasks(organisation, customer, office)
    internship = _seed_internship(organisation, customer)
    _seed_implementation(organisation, customer)
    stdout.write(f"  industry: {len(tasks)} research tasks, internship “{internship.title}” with "
                 f"{internship.applications.count()} applications, account {CUSTOMER_EMAIL}")


def _seed_tasks(organisation, customer, office) -> list[ResearchTask]:
    areas = {a.slug: a for a in ScientificArea.objects.all()}
    edition = Edition.objects.current()
    tasks = []
    for title, area, status, confidentiality, max_adoptions, project_title in TASKS:
        task, _created = ResearchTask.objects.update_or_create(organisation=organisation, title=title, defaults={
            "submitted_by": customer, "area": areas[area], "status": status, "confidentiality": confidentiality,
            "max_adoptions": max_adoptions, "desired_edition": edition, "keywords": title.lower().replace(" ", ", "),
            "problem_statement": f"{title}: our plants need a method that works on production data.",
            "expected_results": "A validated model or method, a report and a demonstrator.",
            "resources_offered": "Two years of anonymised production data; access to the test laboratory.",
            "ip_terms": "Results are published jointly; the customer has a licence for internal use.",
            "contact_name": customer.full_name, "contact_email": customer.email,
            "decided_by": office if status != TaskStatus.SUBMITTED else None,
            "decided_at": timezone.now() if status != TaskStatus.SUBMITTED else None})
        project = Project.objects.filter(title=project_title).first() if project_title else None
        if project is not None and not TaskAdoption.objects.filter(project=project).exists():
            TaskAdoption.objects.create(task=task, project=project, adopted_by=project.proposer)
        count = TaskAdoption.objects.filter(task=task).aggregate(n=Count("pk"))["n"]
        ResearchTask.objects.filter(pk=task.pk).update(adoption_count=min(count, task.max_adoptions))
        tasks.append(task)
    return tasks


def _seed_internship(organisation, customer) -> Internship:
    today = timezone.localdate()
    internship, _created = Internship.objects.update_or_create(
        organisation=organisation, title="Summer internship in the cold rolling laboratory", defaults={
            "created_by": customer, "description": "Join our test laboratory for eight weeks: measure strip "
                                                   "flatness and validate a digital twin against the mill.",
            "host_organisation": organisation.name, "site_name": "Cold rolling laboratory", "city": "Cherepovets",
            "country": "RU", "latitude": "59.122600", "longitude": "37.903500",
            "start_date": today + timedelta(days=90), "end_date": today + timedelta(days=146), "places": 2,
            "stipend": "60,000 RUB a month", "required_skills": "Python, materials testing",
            "degree_levels": ["master", "phd"], "mode": WorkMode.ON_SITE, "deadline": today + timedelta(days=30)})
    applicants = [("student@marathon.example", ApplicationStatus.SUBMITTED),
                  ("alumni001@people.marathon.example", ApplicationStatus.SHORTLISTED)]
    for email, status in applicants:
        student = User.objects.filter(email=email).first()
        if student is None or InternshipApplication.objects.filter(internship=internship, student=student).exists():
            continue
        application = InternshipApplication(internship=internship, student=student, status=status,
                                            motivation="I would like to test my models on a real mill.",
                                            cv_name="cv.pdf", cv_size=len(DEMO_CV))
        application.cv.save("cv.pdf", ContentFile(DEMO_CV), save=False)
        application.save()
    return internship


def _seed_implementation(organisation, customer) -> None:
    project = Project.objects.filter(title="Self-healing polymer coatings", customer=organisation).first()
    if project is None:
        return
    Implementation.objects.update_or_create(project=project, what="Self-healing coating on pickling line tanks",
                                            defaults={
        "organisation": organisation, "where": "Pickling line 2, Cherepovets", "implemented_on": date(2020, 6, 1),
        "evidence_link": "https://example.org/nordic-steel/coating-report", "effect": "Fewer tank repairs a year.",
        "effect_figure": "30.00", "effect_unit": "% fewer repairs", "recorded_side": RecordedSide.CUSTOMER,
        "recorded_by": customer, "status": ImplementationStatus.CONFIRMED, "confirmed_by": project.proposer,
        "confirmed_at": timezone.now()})

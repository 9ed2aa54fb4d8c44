"""Demo data of the commission (idempotent). Runs after the projects demo: when it created
approved projects, experts are assigned and some sheets filled; otherwise nothing
project-related is created. A past edition with projects (2019) is scored and published."""

import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from marathon.demo import ensure_demo_user, evaluating_edition
from marathon.exceptions import RuleViolation
from marathon.models import Edition, Organisation, University, User

from . import selectors, services
from .models import (
    Assignment,
    Commission,
    CommissionMember,
    Criterion,
    ExpertGroup,
    ResultSnapshot,
    Score,
    ScoreSheet,
    ScoreSheetRevision,
    SheetStatus,
)

DEMO_EXPERT = "expert@marathon.example"
LEVELS = ["Poor", "Fair", "Good", "Very good", "Excellent"]
CRITERIA = [
    # name, weight, guidance
    ("Scientific quality", 3, "Soundness of methods, novelty, depth of the research."),
    ("Practical value for the customer", 2, "How useful the results are for the industry customer."),
    ("International teamwork", 2, "Real collaboration across universities and countries."),
    ("Results and outputs", 2, "Prototypes, data, publications, grant applications."),
    ("Presentation", 1, "Clarity of the report and the talk."),
]
# The criteria in the partners' languages: (name, guidance) and the level labels.
CRITERIA_TRANSLATIONS = {
    "Scientific quality": {
        "de": ("Wissenschaftliche Qualität", "Solidität der Methoden, Neuheit, Tiefe der Forschung."),
        "es": ("Calidad científica", "Solidez de los métodos, originalidad, profundidad de la investigación."),
        "ru": ("Научное качество", "Обоснованность методов, новизна, глубина исследования.")},
    "Practical value for the customer": {
        "de": ("Praktischer Nutzen für den Auftraggeber", "Wie nützlich die Ergebnisse für den Industriepartner sind."),
        "es": ("Valor práctico para el cliente", "Utilidad de los resultados para el cliente industrial."),
        "ru": ("Практическая ценность для заказчика", "Насколько результаты полезны индустриальному заказчику.")},
    "International teamwork": {
        "de": ("Internationale Teamarbeit", "Echte Zusammenarbeit über Universitäten und Länder hinweg."),
        "es": ("Trabajo en equipo internacional", "Colaboración real entre universidades y países."),
        "ru": ("Международная командная работа", "Реальное сотрудничество между университетами и странами.")},
    "Results and outputs": {
        "de": ("Ergebnisse und Leistungen", "Prototypen, Daten, Publikationen, Förderanträge."),
        "es": ("Resultados y productos", "Prototipos, datos, publicaciones, solicitudes de financiación."),
        "ru": ("Результаты", "Прототипы, данные, публикации, заявки на гранты.")},
    "Presentation": {
        "de": ("Präsentation", "Klarheit des Berichts und des Vortrags."),
        "es": ("Presentación", "Claridad del informe y de la exposición."),
        "ru": ("Презентация", "Ясность отчёта и доклада.")},
}
LEVEL_TRANSLATIONS = {
    "de": ["Mangelhaft", "Ausreichend", "Gut", "Sehr gut", "Hervorragend"],
    "es": ["Deficiente", "Suficiente", "Bien", "Muy bien", "Excelente"],
    "ru": ["Плохо", "Удовлетворительно", "Хорошо", "Очень хорошо", "Отлично"],
}


def criterion_translations(name: str) -> dict:
    values = CRITERIA_TRANSLATIONS.get(name, {})
    return {**{f"name_{lang}": label for lang, (label, _guidance) in values.items()},
            **{f"guidance_{lang}": guidance for lang, (_name, guidance) in values.items()},
            **{f"level_labels_{lang}": labels for lang, labels in LEVEL_TRANSLATIONS.items()}}


# email, name, status, university short name, group, chair, organisation
MEMBERS = [
    ("chair@marathon.example", "Christian Chairman", User.Status.PROFESSOR, "TU Graz",
     ExpertGroup.PARTNER_PROFESSOR, True, None),
    ("expert@marathon.example", "Elena Expert", User.Status.PROFESSOR, "TU Berlin",
     ExpertGroup.PARTNER_PROFESSOR, False, None),
    ("host.expert@marathon.example", "Hanna Hostprofessor", User.Status.PROFESSOR, "SPbPU",
     ExpertGroup.HOST_PROFESSOR, False, None),
    ("customer.expert@marathon.example", "Konstantin Customer", User.Status.INDUSTRY, None,
     ExpertGroup.CUSTOMER, False, "AVL Powertrain Research"),
    ("investor.expert@marathon.example", "Ines Investor", User.Status.INDUSTRY, None,
     ExpertGroup.INVESTOR, False, "MedTech Ventures"),
    ("external.expert@marathon.example", "Xavier External", User.Status.RESEARCHER, "UPM",
     ExpertGroup.EXTERNAL, False, None),
]


def seed(stdout) -> None:
    """Each edition as its phase has it: the current one (forming teams) has its commission and
    criteria but nothing to score yet; last year's (in evaluation) is half scored, the demo expert's
    sheets still open; 2019 is scored and published."""
    office = User.objects.filter(is_staff=True).order_by("pk").first()
    current = Edition.objects.current()
    if office is None or current is None:
        return
    summary = []
    for edition in (current, evaluating_edition(), Edition.objects.filter(year=2019).first()):
        if edition is None:
            continue
        commission = _commission(edition, office)
        phase = edition.phase
        if phase in (Edition.Phase.UPCOMING, Edition.Phase.PROPOSALS, Edition.Phase.TEAM_FORMATION):
            summary.append(f"{edition.year}: {phase}, nothing to score yet")
            continue
        assigned = _assign(commission, office)
        if phase == Edition.Phase.EVALUATION:
            _score_some(commission)
        elif phase == Edition.Phase.CLOSED and assigned:
            _score_past(commission)
            _publish(commission)
        summary.append(f"{edition.year}: {assigned} assignments")
    stdout.write(f"  evaluation: commissions ({'; '.join(summary)})")


def _publish(commission: Commission) -> None:
    if ResultSnapshot.objects.filter(commission=commission).exists():
        return
    # Publishing is the chair's step (the office sees no scores).
    chair = commission.members.filter(is_chair=True).select_related("user").first()
    try:
        services.publish_results(commission=commission, actor=chair.user, confirm_missing=True,
                                 reason="Demo data: the results as the commission left them.")
    except (RuleViolation, ValidationError):
        pass


def _commission(edition: Edition, office: User) -> Commission:
    commission, _created = Commission.objects.get_or_create(edition=edition)
    for position, (name, weight, guidance) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(edition=edition, name_en=name, defaults={
            "weight": weight, "guidance_en": guidance, "scale_min": 1, "scale_max": 5,
            "level_labels_en": LEVELS, "required": True, "position": position,
            **criterion_translations(name)})
    for email, name, status, uni, group, chair, org in MEMBERS:
        university = University.objects.filter(short_name=uni).first() if uni else None
        organisation = Organisation.objects.filter(name=org).first() if org else None
        user = User.objects.filter(email=email).first() or ensure_demo_user(
            email=email, full_name=name, status=status, university=university, organisation=organisation)
        member = CommissionMember.objects.filter(commission=commission, user=user).first()
        if member is None or member.group != group or member.is_chair != chair:
            services.add_commission_member(commission=commission, user=user, group=group, is_chair=chair,
                                           organisation=organisation, actor=office)
    return commission


def _assign(commission: Commission, office: User) -> int:
    projects = list(selectors.projects_to_evaluate(commission.edition))
    if not projects:
        return 0
    try:
        services.auto_assign(commission=commission, per_project=3, actor=office)
    except RuleViolation:
        _assign_by_hand(commission, office, projects)
    return Assignment.objects.filter(member__commission=commission).count()


def _assign_by_hand(commission, office, projects) -> None:
    """Fallback when the demo's projects cannot meet every constraint: skip conflicts only."""
    members = list(commission.members.select_related("user"))
    for index, project in enumerate(projects):
        for member in (members[(index + k) % len(members)] for k in range(3)):
            if Assignment.objects.filter(member=member, project=project).exists():
                continue
            try:
                services.assign_expert(member=member, project=project, actor=office)
            except Exception:  # a conflict: that expert simply does not evaluate this project
                continue


def _values(rng: random.Random, sheet: ScoreSheet, criteria) -> list[dict]:
    base = 2 + (sheet.assignment.project_id % 3)
    return [{"criterion": c.pk, "value": max(1, min(5, base + rng.choice((-1, 0, 0, 1)))),
             "comment": ""} for c in criteria]


def _score_some(commission: Commission) -> None:
    """Mid-way: other experts submitted some sheets and left drafts; the demo expert's sheets
    stay open, so `expert@marathon.example` has work on first login."""
    rng = random.Random(commission.edition.year)
    criteria = list(selectors.criteria_of(commission.edition))
    sheets = ScoreSheet.objects.filter(assignment__member__commission=commission).exclude(
        assignment__member__user__email=DEMO_EXPERT).select_related("assignment__member__user").order_by("pk")
    for index, sheet in enumerate(sheets):
        if sheet.revisions.exists() or index % 3 == 2:
            continue
        actor = sheet.assignment.member.user
        try:
            services.save_score_sheet(sheet=sheet, actor=actor, scores=_values(rng, sheet, criteria),
                                      feedback="Solid work; the international part could be stronger.")
            if index % 3 == 0:
                services.submit_score_sheet(sheet=sheet, actor=actor)
        except Exception:  # a conflict recorded for the sheet: leave it empty
            continue


def _score_past(commission: Commission) -> None:
    """A finished edition: its deadline has passed, so the sheets are written as history."""
    rng = random.Random(commission.edition.year)
    criteria = list(selectors.criteria_of(commission.edition))
    for sheet in ScoreSheet.objects.filter(assignment__member__commission=commission, status=SheetStatus.DRAFT):
        for item in _values(rng, sheet, criteria):
            Score.objects.update_or_create(sheet=sheet, criterion_id=item["criterion"], defaults={
                "value": item["value"], "scale_min": 1, "scale_max": 5})
        sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
        sheet.feedback = "Convincing results and a well-organised international team."
        sheet.save()
        ScoreSheetRevision.objects.get_or_create(sheet=sheet, number=1, defaults={
            "action": "submitted", "actor": sheet.assignment.member.user, "data": {"imported": True}})
    # Written as history, around the services: store the sheets' weighted scores as they would.
    services.rebuild_results_aggregates(commission=commission)

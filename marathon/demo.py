"""Core demo data: the seed's universities and areas, editions, one account per role.

Idempotent: everything is looked up by a natural key and updated in place.
"""

from datetime import date, timedelta

from django.utils import timezone

from .models import Edition, Organisation, ScientificArea, University, User

DEMO_PASSWORD = "marathon-demo"

UNIVERSITIES = [
    # name, short name, country, city, latitude, longitude, host, website
    ("Peter the Great St. Petersburg Polytechnic University", "SPbPU", "RU", "St. Petersburg",
     "60.007300", "30.372700", True, "https://english.spbstu.ru"),
    ("TU Graz", "TU Graz", "AT", "Graz", "47.058300", "15.460000", False, "https://www.tugraz.at"),
    ("Technical University of Madrid", "UPM", "ES", "Madrid", "40.448900", "-3.719400", False,
     "https://www.upm.es"),
    ("University of Cadiz", "UCA", "ES", "Cádiz", "36.527100", "-6.288600", False,
     "https://www.uca.es"),
    ("TU Berlin", "TU Berlin", "DE", "Berlin", "52.512500", "13.326900", False,
     "https://www.tu.berlin"),
]

AREAS = [
    ("IT technologies", "it-technologies"),
    ("Materials science", "materials-science"),
    ("Biomedical technologies", "biomedical-technologies"),
    ("Linguistics", "linguistics"),
    ("Energy", "energy"),
]
# The reference data in the partners' languages (English is the source and the fallback).
AREA_TRANSLATIONS = {
    "it-technologies": {"de": "Informationstechnologien", "es": "Tecnologías de la información",
                        "ru": "Информационные технологии"},
    "materials-science": {"de": "Werkstoffwissenschaften", "es": "Ciencia de materiales",
                          "ru": "Материаловедение"},
    "biomedical-technologies": {"de": "Biomedizinische Technologien", "es": "Tecnologías biomédicas",
                                "ru": "Биомедицинские технологии"},
    "linguistics": {"de": "Linguistik", "es": "Lingüística", "ru": "Лингвистика"},
    "energy": {"de": "Energietechnik", "es": "Energía", "ru": "Энергетика"},
}
EDITION_TITLES = {"de": "Studentischer Projektmarathon {}", "es": "Maratón de Proyectos Estudiantiles {}",
                  "ru": "Студенческий проектный марафон {}"}


def translated(field: str, values: dict[str, str]) -> dict:
    """`{"de": "Linguistik"}` -> `{"name_de": "Linguistik"}`: defaults for update_or_create."""
    return {f"{field}_{language}": value for language, value in values.items()}


def edition_titles(label: str) -> dict:
    return translated("title", {lang: title.format(label) for lang, title in EDITION_TITLES.items()})

ORGANISATIONS = [
    ("Nordic Steel R&D Centre", Organisation.Kind.RND, "RU"),
    ("AVL Powertrain Research", Organisation.Kind.INDUSTRY, "AT"),
    ("Iberdrola Innovation Lab", Organisation.Kind.INDUSTRY, "ES"),
    ("MedTech Ventures", Organisation.Kind.INVESTOR, "DE"),
    ("Baltic Language Technologies", Organisation.Kind.INDUSTRY, "RU"),
]

# email, full name, status, university short name, staff
ACCOUNTS = [
    ("office@marathon.example", "Olga Officer", User.Status.RESEARCHER, "SPbPU", True),
    ("chair@marathon.example", "Christian Chairman", User.Status.PROFESSOR, "TU Graz", False),
    ("expert@marathon.example", "Elena Expert", User.Status.PROFESSOR, "TU Berlin", False),
    ("professor@marathon.example", "Pavel Professor", User.Status.PROFESSOR, "SPbPU", False),
    ("student@marathon.example", "Sofia Student", User.Status.BACHELOR, "TU Graz", False),
    ("coordinator@marathon.example", "Carmen Coordinator", User.Status.RESEARCHER, "SPbPU", False),
]


def past_edition_dates(year: int) -> dict:
    return {
        "proposals_start": date(year, 2, 1), "proposals_end": date(year, 3, 15),
        "team_formation_start": date(year, 3, 1), "team_formation_end": date(year, 4, 15),
        "research_start": date(year, 4, 16), "research_end": date(year, 10, 31),
        "evaluation_start": date(year, 11, 1), "evaluation_end": date(year, 11, 30),
    }


def current_edition_dates(today: date) -> dict:
    """Dates around today: team formation is open, so a new student can join right away."""
    return {
        "proposals_start": today - timedelta(days=80), "proposals_end": today - timedelta(days=20),
        "team_formation_start": today - timedelta(days=30),
        "team_formation_end": today + timedelta(days=25),
        "research_start": today + timedelta(days=30), "research_end": today + timedelta(days=150),
        "evaluation_start": today + timedelta(days=151),
        "evaluation_end": today + timedelta(days=180),
    }


def evaluating_edition_dates(today: date) -> dict:
    """Last year's edition, still being scored: its evaluation runs from a week ago for three more
    weeks, so the demo expert has sheets to fill while the new edition forms its teams."""
    return {
        "proposals_start": today - timedelta(days=330), "proposals_end": today - timedelta(days=290),
        "team_formation_start": today - timedelta(days=300),
        "team_formation_end": today - timedelta(days=250),
        "research_start": today - timedelta(days=245), "research_end": today - timedelta(days=8),
        "evaluation_start": today - timedelta(days=7),
        "evaluation_end": today + timedelta(days=21),
    }


PAST_YEARS = (2018, 2019, 2020)


def evaluating_edition() -> Edition | None:
    """The demo's edition in its evaluation phase (last year's), if the demo created one."""
    year = timezone.localdate().year - 1
    return None if year in PAST_YEARS else Edition.objects.filter(year=year).first()


def seed(stdout) -> None:
    for name, short, country, city, lat, lon, host, web in UNIVERSITIES:
        University.objects.update_or_create(name=name, defaults={
            "short_name": short, "country": country, "city": city, "latitude": lat,
            "longitude": lon, "is_host": host, "website": web})
    for name, slug in AREAS:
        ScientificArea.objects.update_or_create(slug=slug, defaults={
            "name_en": name, **translated("name", AREA_TRANSLATIONS.get(slug, {}))})
    for name, kind, country in ORGANISATIONS:
        Organisation.objects.update_or_create(name=name, defaults={"kind": kind, "country": country})
    for year in PAST_YEARS:
        Edition.objects.update_or_create(year=year, defaults={
            "title_en": f"Students Project Marathon {year}", **edition_titles(str(year)),
            "team_size_min": 3, "team_size_max": 8,
            "min_universities": 2, "require_degree_mix": False, **past_edition_dates(year)})
    today = timezone.localdate()
    if today.year - 1 not in PAST_YEARS:
        Edition.objects.update_or_create(year=today.year - 1, defaults={
            "title": f"Students Project Marathon {today.year - 1}/{str(today.year)[2:]}",
            "team_size_min": 3, "team_size_max": 6, "min_universities": 2, "require_degree_mix": False,
            **evaluating_edition_dates(today)})
    Edition.objects.update_or_create(year=today.year, defaults={
        "title_en": f"Students Project Marathon {today.year}/{str(today.year + 1)[2:]}",
        **edition_titles(f"{today.year}/{str(today.year + 1)[2:]}"),
        "team_size_min": 3, "team_size_max": 6, "min_universities": 2, "require_degree_mix": True,
        # Late proposals are still accepted for a few days (the demo professor submits some;
        # submitting needs an open proposal window).
        **current_edition_dates(today), "proposals_end": today + timedelta(days=5)})
    for email, full_name, status, uni, staff in ACCOUNTS:
        ensure_demo_user(email=email, full_name=full_name, status=status,
                         university=University.objects.get(short_name=uni), is_staff=staff)
    stdout.write(f"  core: {University.objects.count()} universities, "
                 f"{Edition.objects.count()} editions, {len(ACCOUNTS)} demo accounts")


def ensure_demo_user(*, email: str, full_name: str, status: str, university, is_staff=False,
                     organisation=None) -> User:
    """Create or update a demo user with a verified e-mail address."""
    from allauth.account.models import EmailAddress

    user, created = User.objects.update_or_create(email=email, defaults={
        "full_name": full_name, "status": status, "university": university,
        "country": university.country if university else "", "organisation": organisation,
        "is_staff": is_staff, "is_superuser": is_staff})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True})
    return user

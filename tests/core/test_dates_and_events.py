"""Histories read as sentences, and dates have one locale-aware style on every page (issue 12, item 11)."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from marathon.events import describe_event, registry
from mobility import services as mobility_services
from tests.factories import UserFactory
from tests.mobility.factories import MobilityFactory


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Russian leaves Russian active in this thread; later tests expect English."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("language", "expected"), [("en", "1 June 2027"), ("ru", "1 июня 2027")])
def test_date_format_is_long_and_genitive_in_russian(language, expected):
    with translation.override(language):
        assert date_format(date(2027, 6, 1)) == expected
        assert date_format(datetime(2027, 6, 1, 9, 5), "DATETIME_FORMAT") == f"{expected}, 09:05"


def test_describe_event_reads_a_sentence():
    with translation.override("en"):
        assert describe_event("mobility.submitted") == "Mobility application submitted to the coordinator"
        assert describe_event("evaluation.ranking_method_changed") == "Evaluation: ranking method changed"


def test_every_recorded_event_code_has_a_sentence():
    """Every literal `action="..."` passed to record_audit (and every workflow transition) is registered."""
    root = Path(settings.BASE_DIR)
    codes = set()
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'_transition\([^"]*"([a-z_]+\.[a-z_]+)"', text))
    assert sorted(codes - set(registry())) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "submitted", "planned"), [
    ("en", "Mobility application submitted to the coordinator", "1 June 2027 – 30 June 2027"),
    ("ru", None, "1 июня 2027 – 30 июня 2027"),
])
def test_mobility_history_shows_sentences_and_localised_dates(login, language, submitted, planned):
    mobility = MobilityFactory(participant=UserFactory(status="master", preferred_language=language),
                               planned_start=date(2027, 6, 1), planned_end=date(2027, 6, 30))
    mobility_services.submit_mobility(mobility=mobility, actor=mobility.participant)
    html = login(mobility.participant).get(mobility.get_absolute_url(),
                                           HTTP_ACCEPT_LANGUAGE=language).content.decode()
    history = html.split('id="history">')[1].split("</ul>")[0]
    assert "mobility.submitted" not in history and "mobility.created" not in history
    if submitted:
        assert f": {submitted}</li>" in history
    assert planned in html
    assert re.findall(r"\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}", visible_text(html)) == []


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (tags and their attributes removed)."""
    return re.sub(r"<[^>]+>", " ", html)

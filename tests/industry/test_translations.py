"""The industry app's own catalogs are complete in Russian, German and Spanish."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(language):
    path = Path(settings.BASE_DIR) / "industry" / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["ru", "de", "es"])
def test_catalog_is_complete_without_fuzzy_and_with_matching_placeholders(language):
    problems = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        if not all(strings) or message.fuzzy:
            problems.append(message.id)
        problems.extend((message.id, s) for s in strings if set(PLACEHOLDER.findall(s)) != expected)
    assert problems == []


@pytest.mark.django_db
def test_internship_page_speaks_russian(student):
    student.preferred_language = "ru"
    student.save()
    with translation.override("ru"):
        body = client_for(student).get(reverse("industry:internship_list"), HTTP_ACCEPT_LANGUAGE="ru").content
    assert "Открытых стажировок сейчас нет." in body.decode()

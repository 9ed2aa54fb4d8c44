"""The workspace's own catalogs (ru, de, es) are complete: every message translated, none
fuzzy, placeholders kept; and the pages speak the user's language."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
LOCALE = Path(settings.BASE_DIR) / "workspace" / "locale"


@pytest.mark.parametrize("language", ["ru", "de", "es"])
def test_catalog_is_complete_and_keeps_placeholders(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        if message.fuzzy or not all(strings) or len(strings) != (catalog.num_plurals if len(ids) > 1 else 1):
            problems.append(message.id)
        problems += [(message.id, s) for s in strings if not set(PLACEHOLDER.findall(s)) <= expected]
    assert problems == []


@pytest.mark.django_db
def test_workspace_page_speaks_russian(login, team, member):
    member.preferred_language = "ru"  # a signed-in person reads the portal in their profile's language
    member.save(update_fields=["preferred_language"])
    page = login(member).get(f"/workspace/teams/{team.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "План работ" in page and "Лабораторный журнал" in page

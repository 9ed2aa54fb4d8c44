"""The workspace pages speak the reader's language (the app's catalogs themselves are checked with
every other catalog by tests/core/test_translations.py)."""

import pytest


@pytest.mark.django_db
def test_workspace_page_speaks_russian(login, team, member):
    member.preferred_language = "ru"  # a signed-in person reads the portal in their profile's language
    member.save(update_fields=["preferred_language"])
    page = login(member).get(f"/workspace/teams/{team.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "План работ" in page and "Лабораторный журнал" in page

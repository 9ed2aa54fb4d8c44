"""The industry pages speak the reader's language (the app's catalogs themselves are checked with
every other catalog by tests/core/test_translations.py)."""


import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for


@pytest.mark.django_db
def test_internship_page_speaks_russian(student):
    student.preferred_language = "ru"
    student.save()
    with translation.override("ru"):
        body = client_for(student).get(reverse("industry:internship_list"), HTTP_ACCEPT_LANGUAGE="ru").content
    assert "Открытых стажировок сейчас нет." in body.decode()

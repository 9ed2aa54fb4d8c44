"""Every catalogue in the tree — the root `locale/` and each app's `<app>/locale/` — is complete in
every language of the portal: every message translated, none left fuzzy, the placeholders of each
translation match its source (a mismatch would crash or garble a page), and plural messages have
exactly the number of forms the language needs."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

BASE = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".git", ".venv", "node_modules", "staticfiles", "var", "__pycache__", "tests"}
# English is the source; each other language of settings.LANGUAGES needs a catalogue.
PLURAL_FORMS = {"ru": 3, "de": 2, "es": 2}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue_dirs() -> list[Path]:
    found = []
    for root, dirs, _files in os.walk(BASE):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        if Path(root).name == "locale":
            found.append(Path(root))
            dirs[:] = []
    return found


def catalogue(directory: Path, language: str):
    with (directory / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


CATALOGUES = [(d, lang) for d in catalogue_dirs() for lang in PLURAL_FORMS]
IDS = [f"{d.relative_to(BASE)}:{lang}" for d, lang in CATALOGUES]


def messages(directory: Path, language: str):
    return [m for m in catalogue(directory, language) if m.id]


def as_tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def test_languages_are_english_german_spanish_russian():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "de", "es", "ru"]
    assert set(PLURAL_FORMS) == {code for code, _name in settings.LANGUAGES} - {"en"}


def test_root_catalogue_is_found():
    assert BASE / "locale" in catalogue_dirs()


@pytest.mark.parametrize("directory", catalogue_dirs(), ids=lambda d: str(d.relative_to(BASE)))
def test_every_catalogue_has_all_three_languages(directory):
    missing = [lang for lang in PLURAL_FORMS
               if not (directory / lang / "LC_MESSAGES" / "django.po").is_file()]
    assert missing == []


@pytest.mark.parametrize("directory", catalogue_dirs(), ids=lambda d: str(d.relative_to(BASE)))
def test_every_language_of_a_catalogue_has_the_same_messages(directory):
    ids = {lang: {(m.context, as_tuple(m.id)) for m in messages(directory, lang)}
           for lang in PLURAL_FORMS if (directory / lang).is_dir()}
    reference = ids.get("ru", set())
    assert {lang: (sorted(map(str, reference - found)), sorted(map(str, found - reference)))
            for lang, found in ids.items()} == {lang: ([], []) for lang in ids}


@pytest.mark.parametrize(("directory", "language"), CATALOGUES, ids=IDS)
def test_every_message_is_translated_and_none_is_fuzzy(directory, language):
    untranslated, fuzzy = [], []
    for message in messages(directory, language):
        if not all(as_tuple(message.string)):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert (untranslated, fuzzy) == ([], [])


@pytest.mark.parametrize(("directory", "language"), CATALOGUES, ids=IDS)
def test_placeholders_match_their_source(directory, language):
    wrong = []
    for message in messages(directory, language):
        ids, strings = as_tuple(message.id), as_tuple(message.string)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            # A placeholder the source lacks crashes the page; a singular form may leave out
            # the count ("один проект"), but a plain message must keep all of its own.
            found = set(PLACEHOLDER.findall(string))
            if not found <= expected or (len(ids) == 1 and found != expected):
                wrong.append((message.id, string))
    assert wrong == []


@pytest.mark.parametrize(("directory", "language"), CATALOGUES, ids=IDS)
def test_plural_forms_count_is_right_for_the_language(directory, language):
    parsed = catalogue(directory, language)
    wrong = [m.id for m in messages(directory, language)
             if isinstance(m.id, tuple) and len(as_tuple(m.string)) != PLURAL_FORMS[language]]
    assert (parsed.num_plurals, wrong) == (PLURAL_FORMS[language], [])


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", "Проектный марафон"), ("de", "Projektmarathon"), ("es", "Maratón de Proyectos")])
def test_pages_speak_the_language(client, db, language, expected):
    with translation.override(language):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert expected in response.content.decode()
    assert response["Content-Language"] == language

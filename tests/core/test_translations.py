"""The Russian translation is complete: every message translated, none left fuzzy, and the
placeholders of each translation match its source (a mismatch would crash or garble a page)."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="ru")


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated, fuzzy = [], []
    for message in catalog():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert (untranslated, fuzzy) == ([], [])


def test_placeholders_match_their_source():
    wrong = []
    for message in catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            if not set(PLACEHOLDER.findall(string)) <= expected:
                wrong.append((message.id, string))
    assert wrong == []


def test_pages_speak_russian(client, db):
    with translation.override("ru"):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Проектный марафон" in response.content.decode()

"""The certificates app's own catalogs (ru, de, es) are complete, not fuzzy, placeholders kept."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


@pytest.mark.parametrize("language", ["ru", "de", "es"])
def test_catalog_complete_with_placeholders_kept(language):
    path = Path(settings.BASE_DIR) / "certificates" / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(("untranslated", ids[0]))
            continue
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        problems += [("placeholders", ids[0]) for s in strings if sorted(PLACEHOLDER.findall(s)) != wanted]
    assert problems == []

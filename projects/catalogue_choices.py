"""The catalogue filter's reference lists (editions, areas, universities, organisations), cached.

Rendering the filter form used to cost four queries and ~170 `<option>`s through Django's
per-option widget templates on every catalogue page (bench, scale 100: most of the page's time).
The `(value, label)` lists now live in the cache under a version key that any save or delete of
those models bumps (signals connected in `ProjectsConfig.ready`), with a short TTL as a safety
net for writes that send no signal (bulk loads, raw SQL, a database restored under a warm cache).
`OptionsSelect` renders them with plain string formatting; the selected values, the "Any" label
and the field's attributes are still rendered per request.

The same lists validate a chosen id (`filters.ReferenceChoiceField`: no query per filter) and
name the area and customer of each catalogue API row (no joins to those tables in its
statement). Each process keeps the lists it read for the cached version and language, for at
most `TTL_SECONDS`: a request then costs one cache round trip (the version) and no unpickling.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.forms import Select
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from marathon.models import Edition, Organisation, ScientificArea, University

logger = logging.getLogger(__name__)

VERSION_KEY = "projects:catalogue-choices:version"
TTL_SECONDS = 300
MODELS = {"edition": Edition, "area": ScientificArea, "university": University, "customer": Organisation}

_read = {}  # this process's copy: {(version, language): (monotonic time read, lists)}


def reference_options(*, fresh: bool = False) -> dict[str, list[tuple[str, str]]]:
    """`{filter name: [(pk as text, label), ...]}` in each model's default order; one cache
    round trip when this process has the version's lists, two when Redis has them, one query
    per missing list when cold or `fresh`."""
    try:
        version = cache.get(VERSION_KEY) or bump_version()
    except Exception:  # cache unreachable: read the lists, slower but correct
        logger.warning("Catalogue filter lists: cache unreachable, reading the database.", exc_info=True)
        return {name: _load(name) for name in MODELS}
    # Area names and edition titles are translated: one set of lists per language.
    key = (version, get_language())
    read_at, options = _read.get(key, (None, None))
    if fresh or read_at is None or time.monotonic() - read_at > TTL_SECONDS:
        options = _shared_options(*key, fresh=fresh)
        _read.clear()  # only the current version is worth keeping
        _read[key] = (time.monotonic(), options)
    return options


def options_with(wanted: dict[str, set[str]]) -> dict[str, list[tuple[str, str]]]:
    """`reference_options()`, read again from the database when one of its lists lacks a pk of
    `wanted` (`{list name: pks as text}`): a row added without a signal (a bulk load) is named
    at once, not after the TTL."""
    options = reference_options()
    if all(pks <= {pk for pk, _label in options[name]} for name, pks in wanted.items()):
        return options
    return reference_options(fresh=True)


def _shared_options(version: str, language: str, fresh: bool) -> dict[str, list[tuple[str, str]]]:
    keys = {name: f"projects:catalogue-choices:{version}:{language}:{name}" for name in MODELS}
    try:
        cached = {} if fresh else cache.get_many(keys.values())
    except Exception:
        logger.warning("Catalogue filter lists: cache unreachable, reading the database.", exc_info=True)
        cached = {}
    options, missing = {}, {}
    for name, key in keys.items():
        if key in cached:
            options[name] = cached[key]
        else:
            options[name] = missing[key] = _load(name)
    if missing:
        try:
            cache.set_many(missing, TTL_SECONDS)
        except Exception:
            logger.warning("Catalogue filter lists: could not be cached.", exc_info=True)
    return options


def _load(name: str) -> list[tuple[str, str]]:
    return [(str(obj.pk), str(obj)) for obj in MODELS[name].objects.all()]


def bump_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    return version


def _bump_quietly() -> None:
    try:
        bump_version()
    except Exception:  # the cache being down must not break a write; the TTL bounds staleness
        logger.warning("Catalogue filter lists: could not invalidate the cache.", exc_info=True)


def _reference_changed(sender, **kwargs) -> None:
    # Now (readers inside this transaction see the change) and again after commit, so a list cached
    # by another request between the write and the commit does not outlive the commit.
    _bump_quietly()
    transaction.on_commit(_bump_quietly)


def connect_signals() -> None:
    for model in MODELS.values():
        post_save.connect(_reference_changed, sender=model, dispatch_uid=f"catalogue-choices-save-{model.__name__}")
        post_delete.connect(_reference_changed, sender=model,
                            dispatch_uid=f"catalogue-choices-delete-{model.__name__}")


class OptionsSelect(Select):
    """A `<select>` with the same markup as Django's `Select`, rendered by string formatting from
    `(value, label)` pairs instead of one template per option. `options` is a callable (the cached
    list) or None for the field's own `choices`; `empty_label` is prepended when given."""

    def __init__(self, attrs=None, options=None, empty_label=None):
        super().__init__(attrs)
        self.options = options
        self.empty_label = empty_label

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        if self.options is not None:
            pairs = self.options()
            if self.empty_label is not None:
                pairs = [("", self.empty_label), *pairs]
        else:
            pairs = [("" if v is None else str(v), label) for v, label in self.choices]
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            (value, " selected" if value in selected else "", label) for value, label in pairs))
        return format_html("<select name=\"{}\"{}>{}</select>", name, _attrs(final_attrs), options)


def _attrs(attrs: dict) -> str:
    """Like Django's `attrs.html` (in the given order; True → bare name; False and None → left
    out), which `flatatt` is not: it sorts."""
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False and value is not None))

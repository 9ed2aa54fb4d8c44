"""The chair's dashboard HTML of every commission, for varied tables, readers and languages,
written to a folder so two versions of the code can be compared byte for byte (issue 18, round 5):

    DATABASE_URL=postgres://.../marathon_bench DEBUG=0 SECRET_KEY=x SECURE_SSL_REDIRECT=0 \\
        python -m bench.dashboard_html /tmp/before     # then the other version into /tmp/after
    diff -r /tmp/before /tmp/after

On the benchmark's database, inside a transaction that is rolled back, the clock frozen: every
commission's dashboard as one of its chairs, in English and German, with the results cache off
(every part computed), on (computed, then read back), for the default view and sorted, filtered
and paged tables; the office's view of two commissions (no results, no gaps); then the same after
declaring a conflict on every 37th submitted sheet and turning every 11th back to a draft, and
with 3 and 5 sheets needed per project (many projects short of sheets, titles repeated: the
order of the gaps). CSRF tokens and CSP nonces are masked (they change on every request)."""

import os
import re
import sys
from unittest import mock

from bench import setup_django

FROZEN = "2026-12-04T06:00:00+00:00"
MASKS = (re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|csrf-token" content=")[^"]+'),
         re.compile(r'(nonce=")[^"]+'))
VIEWS = ("", "p_sort=submitted", "p_lt=3", "p_sort=assigned&p_page=2", "e_sort=open&e_filter=unfinished",
         "e_sort=submitted&e_page=2", "r_sort=title&r_filter=disagreement", "r_sort=spread&r_page=3", "r_page=all")


class _Rollback(Exception):
    pass


def write(folder: str) -> None:
    from datetime import datetime

    from django.db import transaction

    from bench.results_cost import conflicts_and_drafts
    from evaluation.models import Commission

    os.makedirs(folder, exist_ok=True)
    frozen = datetime.fromisoformat(FROZEN)
    try:
        with transaction.atomic(), mock.patch("django.utils.timezone.now", return_value=frozen):
            _write_pages(folder, "")
            conflicts_and_drafts()
            _write_pages(folder, "-conflicts")
            for needed in (3, 5):
                Commission.objects.update(min_sheets_per_project=needed)
                _write_pages(folder, f"-needed{needed}", views=("", "p_lt=4"))
            raise _Rollback
    except _Rollback:
        pass
    print(f"pages written to {folder}")


def _write_pages(folder: str, suffix: str, views=VIEWS) -> None:
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.urls import reverse

    from bench.scenarios import persona_user
    from evaluation.models import Commission

    office = persona_user("office")
    for commission in Commission.objects.select_related("edition").order_by("pk"):
        seat = commission.members.filter(is_chair=True).select_related("user").first()
        readers = [("chair", seat.user)] if seat is not None else []
        if office is not None and commission.pk % 4 == 1:
            readers.append(("office", office))
        url = reverse("evaluation:dashboard", args=[commission.edition.year])
        for reader, user in readers:
            client = Client()
            client.force_login(user)
            for language in ("en", "de"):
                for number, view in enumerate(views):
                    query = f"lang={language}" + (f"&{view}" if view else "")
                    for label, cached in (("cold", False), ("cached", True), ("cached-again", True)):
                        if label == "cached":
                            cache.clear()
                        if label != "cold" and number:
                            continue  # the cache's way through: the default view only
                        with override_settings(EVALUATION_RESULTS_CACHE=cached):
                            response = client.get(f"{url}?{query}")
                        body = response.content.decode()
                        for mask in MASKS:
                            body = mask.sub(r"\1X", body)
                        name = f"{commission.edition.year}-{reader}-{language}-{number}-{label}{suffix}.html"
                        with open(os.path.join(folder, name), "w") as out:
                            out.write(f"{response.status_code}\n{body}")


def main() -> None:
    setup_django()
    write(sys.argv[1])


if __name__ == "__main__":
    main()

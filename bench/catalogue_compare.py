"""Byte-for-byte check of the catalogue (API list and HTML page) between two versions of the code.

    DATABASE_URL=postgres://.../marathon_bench_catapi python -m bench.catalogue_compare dump before.json
    (switch the code)
    DATABASE_URL=... python -m bench.catalogue_compare dump after.json
    python -m bench.catalogue_compare diff before.json after.json

`dump` requests every query of `queries()` as a student, a professor with a draft, a
co-supervisor of unpublished projects, the office and anonymously (in-process test client), in
several languages, and stores status and body of each; the HTML page's CSRF token is blanked.
Run it against the benchmark database (scale 100, the equal-data edition)."""

import json
import re
import sys

from bench import setup_django

CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"|("X-CSRFToken": ")[^"]+"')
PEOPLE = {
    "student": "student@marathon.example",
    "professor": "professor@marathon.example",
    "drafter": "pablo.gonzalez.2220@people.example",  # a professor with a draft and a submission
    "co-supervisor": "emma.virtanen.5826@people.example",  # co-supervises unpublished projects
    "office": "office@marathon.example",
    "anonymous": None,
}
WORDS = ["battery", "alloys", "sensor", "grids", "implants", "corpora", "hydrogen", "solar", "steel grid",
         '"energy storage"', "-battery", "x"]
INVALID = ["edition=abc", "edition=999999", "edition=-1", "edition=1.5", "edition=", "edition=%20",
           "area=-1", "area=abc", "area=999", "university=abc", "university=99999", "customer=0",
           "customer=abc", "status=nope", "edition=abc&area=-1", "edition=abc&status=nope&area=x",
           "page=x", "page=0", "page=999", "page_size=abc", "has_free_places=maybe",
           "edition=9&area=999999&search=battery", "edition=%00", "area=1e3", "edition=0x9",
           "edition=99999999999999999999", "edition=%209", "edition=09", "edition=%2B9", "edition=9_0",
           "customer=1&customer=x"]


def queries(editions, areas, universities, customers) -> list[str]:
    found = [""] + [f"page={n}" for n in (1, 2, 3)] + ["page_size=100", "page_size=7&page=3"]
    found += [f"edition={e}" for e in editions] + [f"edition={e}&page={n}" for e in (9, 10) for n in (2, 3)]
    found += [f"area={a}" for a in areas] + [f"edition=9&area={a}" for a in areas]
    found += [f"edition=9&area={a}&search={w}" for a, w in zip(areas, WORDS, strict=False)]
    found += [f"search={w}" for w in WORDS] + [f"edition=9&search={w}&page=2" for w in WORDS[:3]]
    found += ["has_free_places=true", "has_free_places=false", "edition=10&has_free_places=true",
              "edition=9&has_free_places=on&area=2"]
    found += [f"university={u}" for u in universities] + [f"edition=9&university={u}" for u in universities[:3]]
    found += [f"customer={c}" for c in customers] + [f"edition=9&customer={c}" for c in customers[:3]]
    found += [f"status={s}" for s in ("draft", "submitted", "approved", "active", "rejected", "completed")]
    found += ["edition=9&status=active&page=2", "edition=10&area=1&university=1&customer=1&status=approved"]
    return found + INVALID


def dump(path: str) -> None:
    from django.test import Client

    from marathon.models import Edition, Organisation, ScientificArea, University, User

    editions = list(Edition.objects.order_by("pk").values_list("pk", flat=True))
    areas = list(ScientificArea.objects.order_by("pk").values_list("pk", flat=True))
    universities = list(University.objects.order_by("pk").values_list("pk", flat=True))[:8]
    customers = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))[:6]
    found = queries(editions, areas, universities, customers)
    bodies = {}
    for who, email in PEOPLE.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        for lang in ("en", "de", "ru") if who in ("student", "anonymous") else ("en",):
            for query in found:
                for kind, base in (("api", "/api/v1/projects/"), ("page", "/projects/")):
                    if kind == "page" and (lang != "en" and query not in found[:12]):
                        continue
                    url = f"{base}?{query}&lang={lang}"
                    response = client.get(url, HTTP_ACCEPT="application/json" if kind == "api" else "text/html")
                    body = CSRF.sub(lambda m: (m.group(1) or m.group(2)) + b'"', response.content)
                    bodies[f"{who} {kind} {url}"] = [response.status_code, body.decode()]
    with open(path, "w") as out:
        json.dump(bodies, out)
    print(f"{len(bodies)} responses written to {path}")


def diff(before_path: str, after_path: str) -> int:
    with open(before_path) as a, open(after_path) as b:
        before, after = json.load(a), json.load(b)
    differing = [key for key in before if before[key] != after.get(key)]
    missing = set(before) ^ set(after)
    statuses = {}
    for status, _body in before.values():
        statuses[status] = statuses.get(status, 0) + 1
    print(f"{len(before)} responses compared (statuses {statuses}); "
          f"{len(differing)} differ, {len(missing)} only on one side")
    for key in differing[:20]:
        print("  differs:", key)
    return 1 if differing or missing else 0


def command(dump_to) -> None:
    """A comparison script's command line: `dump FILE` (with Django set up) or `diff BEFORE AFTER`."""
    if sys.argv[1] == "diff":
        sys.exit(diff(sys.argv[2], sys.argv[3]))
    setup_django()
    dump_to(sys.argv[2])


if __name__ == "__main__":
    command(dump)

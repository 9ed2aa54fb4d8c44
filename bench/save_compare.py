"""The score-sheet save's answers and writes, and the expert's list page, for varied sheets, bodies,
readers and languages, written to a folder so two versions of the code can be compared (issue 18,
round 5): `diff -r` of the folders written by each.

    DATABASE_URL=postgres://.../marathon_bench_save DEBUG=0 SECRET_KEY=x SECURE_SSL_REDIRECT=0 \\
        python -m bench.save_compare FOLDER

On the benchmark's database, inside a transaction rolled back (each request in its own savepoint,
rolled back too): the sheets of `bench.sheet_html` (a draft with and without the team's results,
a submitted sheet, a past edition's sheet, a declared and a proposer's conflict), PUT by their
expert, the chair, a student and an unknown id, with valid, unchanged, loose (strings, blanks)
and invalid bodies, in English and German; after each PUT the sheet's row, scores, newest
revision and the results version are written too. Times are masked. The list page: the expert
and chair personas, three other experts, a student and the office; pages 1–6, "x" and 999.
"""

import json
import os
import re
import sys

from bench import setup_django
from bench.sheet_html import CSRF, _Rollback, _sheets

TIME = re.compile(r'"(updated_at|submitted_at|created_at)": "[^"]+"')


def _bodies(sheet) -> dict:
    from evaluation.models import Criterion, Score

    criteria = list(Criterion.objects.filter(edition_id=sheet.assignment.project.edition_id).order_by("pk"))
    stored = dict(Score.objects.filter(sheet=sheet).values_list("criterion_id", "value"))

    def other(c, shift=1):
        old = stored.get(c.pk, c.scale_min)
        return c.scale_min + (old - c.scale_min + shift) % (c.scale_max - c.scale_min + 1)

    full = {"scores": [{"criterion": c.pk, "value": other(c), "comment": "Clear." if i == 0 else ""}
                       for i, c in enumerate(criteria)], "feedback": "Good progress.", "confidential_note": "Hm"}
    return {
        "full": full,
        "partial": {"scores": [{"criterion": criteria[0].pk, "value": other(criteria[0], 2)}]},
        "loose": {"scores": [{"criterion": str(c.pk), "value": str(other(c)), "comment": "  spaced  "}
                             for c in criteria], "feedback": " padded ", "confidential_note": "\n"},
        "unicode": {"scores": [{"criterion": c.pk, "value": other(c), "comment": "Größe – ✓"} for c in criteria],
                    "feedback": "Ünïcödé"},
        "out_of_scale": {"scores": [{"criterion": criteria[0].pk, "value": criteria[0].scale_max + 1}]},
        "unknown": {"scores": [{"criterion": 999999, "value": 1}]},
        "not_number": {"scores": [{"criterion": criteria[0].pk, "value": "x"}]},
        "bool": {"scores": [{"criterion": criteria[0].pk, "value": True}]},
        "not_list": {"scores": "x"},
        "no_scores": {"feedback": "x"},
        "too_long": {"scores": [], "feedback": "x" * 10001},
        "null": {"scores": [{"criterion": criteria[0].pk, "value": 1, "comment": None}]},
    }


def _state(sheet_id: int) -> dict:
    from evaluation.models import ResultsVersion, Score, ScoreSheet, ScoreSheetRevision

    row = ScoreSheet.objects.filter(pk=sheet_id).values("status", "feedback", "confidential_note",
                                                         "weighted_score").get()
    revision = (ScoreSheetRevision.objects.filter(sheet_id=sheet_id).order_by("-number")
                .values("number", "action", "actor_id", "data").first())
    return {"sheet": row, "revision": revision,
            "scores": list(Score.objects.filter(sheet_id=sheet_id).order_by("criterion_id")
                           .values_list("criterion_id", "value", "scale_min", "scale_max", "comment")),
            "versions": list(ResultsVersion.objects.order_by("pk").values_list("pk", "version"))}


def write(folder: str) -> None:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from bench.scenarios import persona_user, saving_experts
    from marathon.models import User

    os.makedirs(folder, exist_ok=True)

    def save(name, text):
        with open(os.path.join(folder, name), "w") as out:
            out.write(text)

    def put(client, sheet_id, body, language):
        with transaction.atomic():
            response = client.put(f"/api/v1/evaluation/sheets/{sheet_id}/?lang={language}", data=body,
                                  content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
            again = client.put(f"/api/v1/evaluation/sheets/{sheet_id}/?lang={language}", data=body,
                               content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
            state = _state(sheet_id) if sheet_id < 10**8 else None
            transaction.set_rollback(True)
        return TIME.sub(r'"\1": "T"', json.dumps({
            "status": response.status_code, "body": response.json(),
            "again": [again.status_code, again.json()], "state": state}, indent=1, sort_keys=True, default=str))

    try:
        with transaction.atomic():
            sheets = _sheets()
            clients = {}
            for persona in ("expert", "chair", "student"):
                clients[persona] = Client(HTTP_ACCEPT="application/json")
                clients[persona].force_login(persona_user(persona))
            for language in ("en", "de"):
                for name, sheet in sheets.items():
                    for body_name, body in _bodies(sheet).items():
                        save(f"put-expert-{language}-{name}-{body_name}.json",
                             put(clients["expert"], sheet.pk, body, language))
                    body = _bodies(sheet)["full"]
                    for persona in ("chair", "student"):
                        save(f"put-{persona}-{language}-{name}.json", put(clients[persona], sheet.pk, body, language))
                    save(f"put-expert-{language}-{name}-not-list-unknown-id.json",
                         put(clients["expert"], 10**9, {"scores": "x"}, language))
                save(f"put-expert-{language}-unknown-id.json",
                     put(clients["expert"], 10**9, _bodies(sheets["draft_sub"])["full"], language))

            readers = {"expert": persona_user("expert"), "chair": persona_user("chair"),
                       "student": persona_user("student"), "office": persona_user("office")}
            for i, email in enumerate(saving_experts(3)):
                readers[f"other{i}"] = User.objects.get(email=email)
            for name, user in readers.items():
                if user is None:
                    continue
                client = Client()
                client.force_login(user)
                for language in ("en", "de"):
                    for page in ("1", "2", "3", "4", "5", "6", "x", "999"):
                        response = client.get(reverse("evaluation:my_sheets"), {"page": page, "lang": language})
                        html = CSRF.sub(r"\1X", response.content.decode())
                        save(f"list-{name}-{language}-{page}.html", f"{response.status_code}\n{html}")
            raise _Rollback
    except _Rollback:
        pass


def main() -> None:
    setup_django()
    write(sys.argv[1])


if __name__ == "__main__":
    main()

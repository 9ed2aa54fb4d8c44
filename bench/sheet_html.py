"""The score-sheet page's HTML for varied sheets, readers and languages, written to a folder so
two versions of the code can be compared byte for byte (issue 18, round 4):

    DATABASE_URL=postgres://.../marathon_bench DEBUG=0 SECRET_KEY=x SECURE_SSL_REDIRECT=0 \\
        python -m bench.sheet_html /tmp/before     # then the other version into /tmp/after
    diff -r /tmp/before /tmp/after

On the benchmark's database (the expert persona's sheets of the edition being evaluated and of a
past edition), inside a transaction that is rolled back: a draft with and without the team's
results submission, a submitted sheet, a past edition's sheet (after the deadline), a declared
conflict and a proposer's conflict; each as the expert and as the chair, in English and German;
an outsider's answer (404); the page after a save (messages, "Saved at", history; times masked).
CSRF tokens are masked (they change on every request)."""

import os
import re
import sys

from bench import setup_django

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


class _Rollback(Exception):
    pass


def _sheets() -> dict:
    from django.utils import timezone

    from bench.scenarios import persona_user
    from evaluation.models import ConflictOfInterest, ResultSubmission, ScoreSheet

    expert = persona_user("expert")
    mine = ScoreSheet.objects.filter(assignment__member__user=expert).select_related("assignment__project")
    today = timezone.localdate()
    drafts = list(mine.filter(status="draft", assignment__project__edition__evaluation_end__gte=today).order_by("pk"))
    sheets = {"draft_sub": drafts[0], "draft_nosub": drafts[1], "submitted": drafts[2],
              "past": mine.filter(assignment__project__edition__evaluation_end__lt=today).order_by("pk").first(),
              "conflict": drafts[-1], "proposer_conflict": drafts[-2]}
    ResultSubmission.objects.filter(team__project=drafts[1].assignment.project).delete()
    ScoreSheet.objects.filter(pk=drafts[2].pk).update(status="submitted", submitted_at=timezone.now())
    conflict = sheets["conflict"].assignment
    ConflictOfInterest.objects.create(member_id=conflict.member_id, project=conflict.project,
                                      reason="Declared <b>reason</b>")
    project = sheets["proposer_conflict"].assignment.project
    project.proposer = expert
    project.save(update_fields=["proposer"])
    return {name: sheet for name, sheet in sheets.items() if sheet is not None}


def write(folder: str) -> None:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from bench.scenarios import persona_user

    os.makedirs(folder, exist_ok=True)

    def save(name, response, body=None):
        body = CSRF.sub(r"\1X", body if body is not None else response.content.decode())
        with open(os.path.join(folder, name), "w") as out:
            out.write(f"{response.status_code}\n{body}")

    try:
        with transaction.atomic():
            sheets = _sheets()
            for persona in ("expert", "chair"):
                client = Client()
                client.force_login(persona_user(persona))
                for language in ("en", "de"):
                    for name, sheet in sheets.items():
                        url = reverse("evaluation:sheet", args=[sheet.pk])
                        save(f"{persona}-{language}-{name}.html", client.get(url, {"lang": language}))
            client = Client()
            client.force_login(persona_user("student"))
            save("outsider.html", client.get(reverse("evaluation:sheet", args=[sheets["draft_sub"].pk])), "")
            client = Client()
            client.force_login(persona_user("expert"))
            response = client.post(reverse("evaluation:sheet", args=[sheets["draft_nosub"].pk]),
                                   {"feedback": "Fine & <ok>", "confidential_note": ""}, follow=True)
            body = re.sub(r"Saved at \d\d:\d\d:\d\d", "Saved at T", response.content.decode())
            save("expert-en-after-save.html", response, re.sub(r"<li>#(\d+) · [^<]*·", r"<li>#\1 · T ·", body))
            _variants(client, sheets, save)
            client = Client()
            client.force_login(persona_user("office"))  # the summary's other page (round 5)
            team = sheets["draft_sub"].assignment.project.team
            for language in ("en", "de"):
                save(f"office-{language}-results-draft.html",
                     client.get(reverse("workspace:results_draft", args=[team.pk]), {"lang": language}))
            raise _Rollback
    except _Rollback:
        pass


def _variants(client, sheets, save) -> None:
    """Round 5: an invalid value (errors under a criterion and the values as sent), and criteria
    that are optional, have no guidance, a name with markup and a fractional weight."""
    from django.urls import reverse

    from evaluation.models import Criterion

    sheet = sheets["draft_sub"]
    criteria = list(Criterion.objects.filter(edition_id=sheet.assignment.project.edition_id).order_by("pk"))
    url = reverse("evaluation:sheet", args=[sheet.pk])
    data = {"feedback": "x", "confidential_note": "", f"c{criteria[0].pk}": "99",
            f"c{criteria[1].pk}": "2", f"c{criteria[1].pk}_comment": "<i>why</i> & how"}
    for language in ("en", "de"):
        save(f"expert-{language}-invalid.html", client.post(f"{url}?lang={language}", data))
    Criterion.objects.filter(pk=criteria[0].pk).update(required=False, guidance_en="", guidance_de="",
                                                       name_en='A <b>&</b> "name"', name_de="Ein <b>&</b>")
    Criterion.objects.filter(pk=criteria[1].pk).update(weight="1.25", level_labels_en=None, level_labels_de=None)
    for language in ("en", "de"):
        save(f"expert-{language}-criteria-variants.html", client.get(url, {"lang": language}))
        save(f"expert-{language}-invalid-variants.html", client.post(f"{url}?lang={language}", data))


def main() -> None:
    setup_django()
    write(sys.argv[1])


if __name__ == "__main__":
    main()

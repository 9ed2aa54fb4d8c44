"""Byte-for-byte check of the workspace pages between two versions of the code (issue 18, round 5).

    DATABASE_URL=postgres://.../marathon_bench_ws DEBUG=0 ... python -m bench.workspace_compare dump before.json
    (switch the code)
    DATABASE_URL=... python -m bench.workspace_compare dump after.json
    python -m bench.workspace_compare diff before.json after.json

`dump` requests, in-process with Django's test client, the team workspace page and the lab journal
(first page, second page, a search, a page past the end) of the benchmark's workspace teams and of
teams of other editions, as the office, a supervisor of the team, a student member and an outsider
(404); the supervision dashboard of every edition with every sort, with and without `all=1` and on
several pages, as the office and as a supervisor; in English and German (some in Russian). Then,
inside a transaction that is rolled back, the journals whose signed entry got an edited title, an
added milestone link, co-author or file (the chain check must still say "broken"),
and the team page of teams given milestone owners, activity and exports the bench data lacks
(the exports' ids, from a sequence a rollback does not reset, are masked).
CSRF tokens are masked (they change on every request). Run it against the benchmark database."""

import json
import re

from bench.catalogue_compare import command  # the same command line and comparison of two dumps

CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"|("X-CSRFToken": ")[^"]+"')
EXPORT_IDS = re.compile(rb'(export-|/workspace/exports/)[0-9]+')
SORTS = ["risk", "overdue", "activity", "-activity", "name", "nope"]


class _Rollback(Exception):
    pass


def _teams():
    from bench.scenarios import workspace_teams
    from projects.models import Team

    chosen = workspace_teams()
    others = (Team.objects.exclude(pk__in=[t.pk for t in chosen]).filter(memberships__isnull=False)
              .distinct().order_by("-edition__year", "pk"))
    return chosen + list(others[:12]) + list(others.order_by("edition__year", "-pk")[:8])


def _people(team) -> dict:
    from marathon.models import User
    from projects.models import MembershipRole

    members = list(team.memberships.order_by("pk").values_list("user_id", "role"))
    supervisor = next((u for u, role in members if role == MembershipRole.SUPERVISOR), None)
    student = next((u for u, role in members if role != MembershipRole.SUPERVISOR), None)
    outsider = User.objects.filter(is_staff=False).exclude(memberships__team=team).order_by("pk").first()
    return {"supervisor": supervisor, "student": student, "outsider": outsider.pk if outsider else None}


def _get(clients: dict, bodies: dict, who: str, url: str) -> None:
    response = clients[who].get(url)
    body = CSRF.sub(lambda m: (m.group(1) or m.group(2)) + b'"', response.content)
    body = EXPORT_IDS.sub(rb"\1N", body)
    bodies[f"{who} {url}"] = [response.status_code, body.decode()]


def _client(user_id):
    from django.test import Client

    from marathon.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return client


def _team_pages(team, langs) -> list[str]:
    found = []
    for lang in langs:
        found += [f"/workspace/teams/{team.pk}/?lang={lang}", f"/workspace/teams/{team.pk}/journal/?lang={lang}"]
    found += [f"/workspace/teams/{team.pk}/journal/?page=2&lang=en", f"/workspace/teams/{team.pk}/journal/?page=99",
              f"/workspace/teams/{team.pk}/journal/?q=sample&lang=de"]
    return found


def _supervision(editions) -> list[str]:
    found = []
    for edition in editions:
        for sort in SORTS:
            found.append(f"/workspace/supervision/?edition={edition}&sort={sort}")
            found.append(f"/workspace/supervision/?edition={edition}&sort={sort}&all=1&lang=de")
        found += [f"/workspace/supervision/?edition={edition}&sort=risk&page={n}" for n in (2, 3, 999)]
        found += [f"/workspace/supervision/?edition={edition}&sort=activity&all=1&page=5&lang=ru"]
    return found + ["/workspace/supervision/", "/workspace/supervision/?edition=abc"]


def _tampered(bodies: dict, clients: dict) -> None:
    """Journals whose chain was broken behind the application's back (an edited title, an added
    milestone link, an added co-author, an added file), each in a transaction that is rolled back."""
    from django.db import connection, transaction

    from workspace.models import EntryStatus, JournalEntry, JournalFile, Milestone

    signed = list(JournalEntry.objects.filter(status=EntryStatus.SIGNED, team__milestones__isnull=False)
                  .distinct().order_by("team_id", "chain_index")[:200:40])

    def title(entry):
        JournalEntry.objects.filter(pk=entry.pk).update(title=entry.title + " (changed)")

    def milestone(entry):
        entry.milestones.add(Milestone.objects.filter(team_id=entry.team_id).order_by("pk").first())

    def coauthor(entry):
        entry.coauthors.add(entry.author_id)

    def file(entry):
        JournalFile.objects.create(entry=entry, file="journal/x.csv", original_name="x.csv", content_type="text/csv",
                                   size=1, sha256="0" * 64)

    for entry, (case, change) in zip(signed, [("title", title), ("milestone", milestone),
                                              ("coauthor", coauthor), ("file", file)], strict=False):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:  # the immutability triggers off (superuser only)
                    cursor.execute("SET LOCAL session_replication_role = replica")
                change(entry)
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                for lang in ("en", "de"):
                    _get(clients, bodies, "office", f"/workspace/teams/{entry.team_id}/journal/?lang={lang}&t={case}")
                raise _Rollback
        except _Rollback:
            pass


def _populated(bodies: dict, clients: dict) -> None:
    """The bench data has no milestone owners, activity or exports: the team page of three teams
    with them (added in a transaction that is rolled back), as the office and as a member."""
    from datetime import datetime, timedelta

    from django.db import transaction
    from django.utils import timezone

    from bench.scenarios import persona_user, workspace_teams
    from workspace.models import Activity, Milestone, WorkspaceExport

    office = persona_user("office")
    when = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.get_current_timezone())
    try:
        with transaction.atomic():
            for number, team in enumerate(workspace_teams()[:3]):
                people = list(team.memberships.order_by("pk").values_list("user_id", flat=True))
                for index, milestone in enumerate(Milestone.objects.filter(team=team).order_by("pk")):
                    milestone.owners.set(people[index % 3:index % 3 + 1 + number])
                Activity.objects.bulk_create([
                    Activity(team=team, actor_id=people[i % len(people)], verb="entry_signed",
                             text=f"Step <{i}> & done", url=f"/workspace/journal/{i}/" if i % 2 else "",
                             created_at=when + timedelta(hours=i)) for i in range(18)])
                for status in ("done", "failed", "running"):
                    WorkspaceExport.objects.create(team=team, owner=office, status=status, progress=40,
                                                   error="Out of <memory>" if status == "failed" else "",
                                                   created_at=when)
                student = _people(team)["student"]
                if student:
                    clients["student"] = _client(student)
                for who in ("office", "student") if student else ("office",):
                    for lang in ("en", "de"):
                        _get(clients, bodies, who, f"/workspace/teams/{team.pk}/?lang={lang}&t=populated")
            raise _Rollback
    except _Rollback:
        pass


def dump(path: str) -> None:
    from bench.scenarios import persona_user
    from marathon.models import Edition

    bodies: dict = {}
    clients = {"office": _client(persona_user("office").pk)}
    for index, team in enumerate(_teams()):
        people = _people(team)
        for who, user_id in [("office", None), *people.items()]:
            if who != "office":
                if user_id is None:
                    continue
                clients[who] = _client(user_id)
            langs = ("en", "de", "ru") if index % 10 == 0 else ("en", "de")
            for url in _team_pages(team, langs):
                _get(clients, bodies, who, url)
    editions = list(Edition.objects.order_by("pk").values_list("pk", flat=True))
    for url in _supervision(editions):
        _get(clients, bodies, "office", url)
    supervisor = _people(_teams()[0])["supervisor"]
    if supervisor:
        clients["supervisor"] = _client(supervisor)
        for url in _supervision(editions[-3:]):
            _get(clients, bodies, "supervisor", url)
    _tampered(bodies, clients)
    _populated(bodies, clients)
    with open(path, "w") as out:
        json.dump(bodies, out)
    print(f"{len(bodies)} responses written to {path}")


if __name__ == "__main__":
    command(dump)

"""Regenerate docs/screenshots/ from the demo data: `make screenshots`.

Creates a scratch PostgreSQL database (SCREENSHOTS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/marathon_screenshots; dropped and re-created each time), migrates
it, seeds the demo, runs the development server on a free port and drives chromium (Playwright) through
every role's key pages at 1280 and 390 px. Only the first screen of each page is captured, to keep the
PNGs small. Nothing else is touched: the server started here is stopped here."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DB_URL = os.environ.get("SCREENSHOTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/marathon_screenshots")
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


def recreate_database() -> None:
    import psycopg2

    url = urlparse(DB_URL)
    name = url.path.lstrip("/")
    conn = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                            password=url.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def pages():
    """(file name, demo account or None, path) — looked up in the freshly seeded demo."""
    from certificates.models import Certificate
    from evaluation.models import ScoreSheet
    from marathon.demo import evaluating_edition
    from marathon.models import Edition
    from projects.models import Project
    from workspace.models import JournalEntry

    current, evaluating = Edition.objects.current(), evaluating_edition()
    project = Project.objects.filter(edition=current, status="approved").order_by("pk").first()
    sheet = ScoreSheet.objects.filter(assignment__member__user__email="expert@marathon.example",
                                      assignment__project__edition=evaluating).order_by("pk").first()
    entry = JournalEntry.objects.order_by("pk").first()
    certificate = Certificate.objects.order_by("pk").first()
    return [
        ("catalogue", None, "/projects/"),
        ("student-home", "student", "/"),
        ("student-team", "student", f"/teams/{project.team.pk}/"),
        ("student-mobility-apply", "student", "/mobility/apply/"),
        ("expert-score-sheet", "expert", f"/evaluation/sheets/{sheet.pk}/"),
        ("chair-commission", "chair", f"/evaluation/commission/{evaluating.year}/"),
        ("coordinator-mobility-queue", "coordinator", "/mobility/queue/"),
        ("office-statistics", "office", "/reports/"),
        ("office-workspace-journal", "office", f"/workspace/teams/{entry.team.pk}/journal/"),
        ("public-verify", None, f"/verify/{certificate.code}/"),
    ]


def capture(base: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from marathon.demo import DEMO_PASSWORD

    OUT.mkdir(parents=True, exist_ok=True)
    written, shots = [], pages()  # the ORM before Playwright's event loop starts
    with sync_playwright() as p:
        launch = {"executable_path": CHROMIUM, "args": ["--no-sandbox"]} if Path(CHROMIUM).exists() else {}
        browser = p.chromium.launch(**launch)
        for form, (width, height) in WIDTHS.items():
            sessions = {}
            for name, role, path in shots:
                if role not in sessions:
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
                    page = context.new_page()
                    if role:
                        page.goto(f"{base}/accounts/login/")
                        page.fill("input[name=login]", f"{role}@marathon.example")
                        page.fill("input[name=password]", DEMO_PASSWORD)
                        page.click("main form button[type=submit]")
                        page.wait_for_selector("#nav-user", state="attached")
                    sessions[role] = page
                page = sessions[role]
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}-{form}.png"
                page.screenshot(path=str(target))
                written.append(target)
            for page in sessions.values():
                page.context.close()
        browser.close()
    return written


def main() -> None:
    # DEBUG on: a development certificate key, no e-mail verification; no Redis: Celery runs eagerly.
    env = {**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, "DATABASE_URL": DB_URL, "DEBUG": "1"}
    recreate_database()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    port = free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        os.environ.update(DATABASE_URL=DB_URL, DEBUG="1", DJANGO_SETTINGS_MODULE="marathon.settings")
        os.environ.pop("REDIS_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        for path in capture(base):
            print(path.relative_to(ROOT))
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()

"""The web tier shares nothing but PostgreSQL, Redis and the object store.

Two gunicorn instances (A, B) and two Celery workers run as real processes, each in its own empty
working directory with its own MEDIA_ROOT/EXPORT_ROOT, against the test database, this worker's
Redis database and a real S3-compatible server (moto's standalone server). A flow crosses them:
a login on A is valid on B; a file uploaded on A downloads on B; an export started on A is
produced by either worker and downloads from B. Nothing lands on the instances' local disks."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import EditionFactory, ProjectFactory, UserFactory
from tests.projects.factories import PDF_BYTES

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "marathon-cluster"
PASSWORD = "cluster-pass-9731"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except (requests.ConnectionError, OSError):
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def object_store(tmp_path):
    port = free_port()
    workdir = tmp_path / "s3"
    workdir.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(f"{url}/moto-api/", timeout=1).ok, timeout=30, what="the S3 server")
    client = boto3.client("s3", endpoint_url=url, aws_access_key_id="cluster", aws_secret_access_key="cluster",
                          region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield url, client
    stop(process)


@pytest.fixture
def cluster(tmp_path, object_store, redis_url):
    """Start A, B (gunicorn) and two workers; yield the two base URLs and the working dirs."""
    s3_url, _client = object_store
    db = connection.settings_dict
    base_env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_url,
        "S3_ACCESS_KEY_ID": "cluster", "S3_SECRET_ACCESS_KEY": "cluster",
        "DEBUG": "0", "SECRET_KEY": "cluster-test-secret-key-shared-by-every-instance-0123456789",
        "ALLOWED_HOSTS": "*", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
        "MFA_REQUIRED_FOR_STAFF": "0", "ACCOUNT_EMAIL_VERIFICATION": "none",
    }
    processes, urls, dirs = [], [], []
    try:
        for name in ("a", "b"):
            workdir = tmp_path / f"web-{name}"
            workdir.mkdir()
            dirs.append(workdir)
            env = {**base_env, "MEDIA_ROOT": str(workdir / "media"), "EXPORT_ROOT": str(workdir / "exports")}
            port = free_port()
            processes.append(subprocess.Popen(
                # The production config (preloaded app, 2 threads), one worker per instance.
                [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "marathon.wsgi",
                 "--bind", f"127.0.0.1:{port}", "--workers", "1", "--chdir", str(workdir)], cwd=workdir, env=env,
                stdout=subprocess.DEVNULL, stderr=(workdir / "gunicorn.log").open("w")))
            urls.append(f"http://127.0.0.1:{port}")
        for index in (1, 2):
            workdir = tmp_path / f"worker-{index}"
            workdir.mkdir()
            dirs.append(workdir)
            env = {**base_env, "MEDIA_ROOT": str(workdir / "media"), "EXPORT_ROOT": str(workdir / "exports")}
            processes.append(subprocess.Popen(
                [str(BIN / "celery"), "-A", "marathon", "worker", "--concurrency=1", "--pool=solo",
                 "-n", f"cluster{index}@%h", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
                cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=(workdir / "worker.log").open("w")))
        for url in urls:
            wait_until(lambda url=url: requests.get(f"{url}/healthz", timeout=2).status_code == 200,
                       timeout=60, what=f"gunicorn at {url}")
        yield urls, dirs
    finally:
        for process in processes:
            stop(process)


@pytest.fixture
def redis_url():
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def local_files(dirs) -> list[Path]:
    return [path for workdir in dirs for sub in ("media", "exports") if (workdir / sub).exists()
            for path in (workdir / sub).rglob("*") if path.is_file()]


def token_for(base: str, email: str) -> str:
    response = requests.post(f"{base}/api/v1/auth/token/", json={"email": email, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def test_login_upload_and_export_cross_instances(cluster, object_store):
    (a, b), dirs = cluster
    _url, s3 = object_store
    professor = UserFactory(status="professor")
    office = UserFactory(status="researcher", is_staff=True)
    # The instances check passwords with the production hashers, not the suite's fast MD5 one.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    type(professor).objects.filter(pk__in=[professor.pk, office.pk]).update(password=hashed)
    project = ProjectFactory(proposer=professor, edition=EditionFactory())

    # A login on A is a session on B.
    browser = requests.Session()
    login_page = browser.get(f"{a}/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    response = browser.post(f"{a}/accounts/login/", timeout=10, allow_redirects=False, data={
        "login": professor.email, "password": PASSWORD,
        "csrfmiddlewaretoken": browser.cookies["csrftoken"]}, headers={"Referer": f"{a}/accounts/login/"})
    assert response.status_code == 302
    profile = browser.get(f"{b}/profile/", timeout=10, allow_redirects=False)
    assert profile.status_code == 200
    assert professor.email in profile.text

    # Uploaded on A, stored in the object store, downloaded on B.
    token = token_for(a, professor.email)
    response = requests.post(f"{a}/api/v1/projects/{project.pk}/attachments/", timeout=10,
                             headers={"Authorization": f"Token {token}"},
                             data={"kind": "proposal"}, files={"file": ("proposal.pdf", PDF_BYTES, "application/pdf")})
    assert response.status_code == 201, response.text
    download = requests.get(f"{b}{response.json()['download_url']}", timeout=10,
                            headers={"Authorization": f"Token {token}"})
    assert (download.status_code, download.content) == (200, PDF_BYTES)
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1
    # Without the view's check the object cannot be read: the bucket is private.
    key = s3.list_objects_v2(Bucket=BUCKET)["Contents"][0]["Key"]
    assert requests.get(f"{_url}/{BUCKET}/{key}", timeout=10).status_code == 403

    # An export started on A is produced by a worker and downloaded from B with the token.
    office_token = token_for(a, office.email)
    started = requests.post(f"{a}/api/v1/exports/", timeout=10, headers={"Authorization": f"Token {office_token}"},
                            json={"from": 2018, "to": 2020, "format": "xlsx"})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]

    def finished():
        state = requests.get(f"{b}/api/v1/exports/{job_id}/", timeout=10,
                             headers={"Authorization": f"Token {office_token}"}).json()
        return state if state["status"] in ("done", "failed") else None

    state = wait_until(finished, timeout=90, what="the export")
    assert state["status"] == "done"
    assert state["download_url"].endswith(f"/api/v1/exports/{job_id}/download/")
    exported = requests.get(state["download_url"].replace(a, b), timeout=10,
                            headers={"Authorization": f"Token {office_token}"})
    assert exported.status_code == 200
    assert exported.content[:2] == b"PK"  # an XLSX is a ZIP container
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 2
    assert local_files(dirs) == []

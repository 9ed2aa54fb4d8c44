#!/usr/bin/env bash
# Certificates benchmark (bench/certificates.py) on a fresh database. Environment (optional):
# CERT_BENCH_DB_URL, CERT_BENCH_PEOPLE (10000), CERTIFICATE_BATCH_SIZE (200), CERT_BENCH_REDIS_URL
# (the broker the notification e-mails are enqueued to, as in production; no worker consumes them
# here and the database is flushed afterwards; "none" runs them eagerly inside the timing).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DB_URL=${CERT_BENCH_DB_URL:-postgres://postgres@127.0.0.1:5432/marathon_certificates_bench}
db_name=${DB_URL##*/}
psql -q "${DB_URL%/*}/postgres" -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" -c "CREATE DATABASE \"$db_name\""
export DATABASE_URL=$DB_URL DEBUG=0 SECRET_KEY=${SECRET_KEY:-bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend LOG_LEVEL=WARNING
REDIS_URL=${CERT_BENCH_REDIS_URL:-redis://127.0.0.1:6379/7}
[ "$REDIS_URL" = none ] && REDIS_URL=
export REDIS_URL
flush() { [ -z "$REDIS_URL" ] || $PY -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()'; }
flush
trap flush EXIT
export CERTIFICATE_SIGNING_KEY=${CERTIFICATE_SIGNING_KEY:-$(head -c 32 /dev/urandom | base64)}
export MEDIA_ROOT=$PWD/var/bench/certificates-media
mkdir -p var/bench
$PY manage.py migrate --noinput -v0
$PY bench/certificates.py --people "${CERT_BENCH_PEOPLE:-10000}" --out var/bench/certificates.json

#!/usr/bin/env bash
# make bench: a fresh PostgreSQL database at BENCH_SCALE, the production server (gunicorn with
# deploy/gunicorn.conf.py, as docker-compose's web service) on 127.0.0.1, the load driver, results
# in bench/results.{json,md}.
# Environment (all optional): BENCH_DB_URL, BENCH_SCALE (100), BENCH_SEED (1), BENCH_REQUESTS
# (200 per scenario), BENCH_CONCURRENCY (4), BENCH_WORKERS (3), BENCH_THREADS (1), BENCH_MAX_REQUESTS
# (0: never recycle a worker), BENCH_OUT (bench),
# BENCH_REUSE_DB=1 (skip the database preparation: measure the existing bench database again).
# Issue 18's equal data: BENCH_EVAL_PROJECTS (1500) / BENCH_EVAL_SHEETS (6000) for the edition being
# evaluated (0: the plain scale data); BENCH_COLD (1: a second server with EVALUATION_RESULTS_CACHE=0
# for the cold scenarios); BENCH_MIXED_EXPERTS (3 experts saving while the chair reloads).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
BENCH_DB_URL=${BENCH_DB_URL:-postgres://postgres@127.0.0.1:5432/marathon_bench}
BENCH_SCALE=${BENCH_SCALE:-100}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_REQUESTS=${BENCH_REQUESTS:-200}
BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-4}
BENCH_WORKERS=${BENCH_WORKERS:-3}
# The production config (deploy/gunicorn.conf.py: preloaded app, frozen GC) with one thread per
# worker, as every earlier run, and no recycling: the workers' memory after the run is their own
# growth, not reset by max_requests.
BENCH_THREADS=${BENCH_THREADS:-1}
BENCH_MAX_REQUESTS=${BENCH_MAX_REQUESTS:-0}
BENCH_OUT=${BENCH_OUT:-bench}
BENCH_EVAL_PROJECTS=${BENCH_EVAL_PROJECTS:-1500}
BENCH_EVAL_SHEETS=${BENCH_EVAL_SHEETS:-6000}
BENCH_COLD=${BENCH_COLD:-1}
BENCH_MIXED_EXPERTS=${BENCH_MIXED_EXPERTS:-3}
equal_data=()
if [ "$BENCH_EVAL_PROJECTS" != 0 ]; then
  equal_data=(--evaluation-projects "$BENCH_EVAL_PROJECTS" --evaluation-sheets "$BENCH_EVAL_SHEETS")
fi
export BENCH_EQUAL_DATA_OPTIONS="${equal_data[*]}"
LOG_DIR=var/bench
mkdir -p "$LOG_DIR"

bash scripts/ensure-services.sh >/dev/null

# Production settings (DEBUG off), plain HTTP on loopback: no TLS redirect or secure-only cookies,
# no TOTP for the office persona (MFA is the login's concern, not the pages' speed), e-mail to
# nowhere. With Redis (BENCH_REDIS_URL, default db 9 of the local server; set it to "none" for eager
# tasks in the web process) a Celery worker runs beside gunicorn, as in docker-compose.
export DATABASE_URL=$BENCH_DB_URL DEBUG=0 SECRET_KEY=${SECRET_KEY:-bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export MFA_REQUIRED_FOR_STAFF=0 EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend LOG_LEVEL=WARNING
BENCH_REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/9}
[ "$BENCH_REDIS_URL" = none ] && BENCH_REDIS_URL=
export REDIS_URL=$BENCH_REDIS_URL BENCH_SCALE BENCH_SEED EXPORT_ROOT=$PWD/$LOG_DIR/exports MEDIA_ROOT=$PWD/$LOG_DIR/media

db_name=${BENCH_DB_URL##*/}
admin_url=${BENCH_DB_URL%/*}/postgres
if [ "${BENCH_REUSE_DB:-0}" = 1 ]; then
  echo "== reusing database $db_name as it is (BENCH_REUSE_DB=1)"
else
  echo "== database $db_name (scale $BENCH_SCALE, seed $BENCH_SEED${equal_data:+, ${equal_data[*]}})"
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" -c "CREATE DATABASE \"$db_name\""
  $PY manage.py migrate --noinput -v0
  started=$(date +%s%N)
  $PY manage.py generate_scale_data --scale "$BENCH_SCALE" --seed "$BENCH_SEED" "${equal_data[@]}"
  BENCH_GENERATE_SECONDS=$($PY -c "print(round(($(date +%s%N) - $started) / 1e9, 1))")
  export BENCH_GENERATE_SECONDS
  # Statistics and the visibility map as a database that has lived a while has them: otherwise
  # autovacuum and auto-analyze of the freshly written tables run during the first scenarios (their
  # CPU lands in the database column) and the planner starts from estimates.
  psql -q "$BENCH_DB_URL" -c "VACUUM (ANALYZE)"
fi
if [ -n "$REDIS_URL" ]; then
  # Cached reads (statistics, catalogue choices, commission results) must match this database.
  $PY -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()'
fi
$PY manage.py collectstatic --noinput -v0

port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SITE_URL=http://127.0.0.1:$port
gunicorn_pid=
worker_pid=
# start_gunicorn [VAR=value ...]: the web server with extra environment (the cold phase's switch).
start_gunicorn() {
  echo "== gunicorn on $SITE_URL ($BENCH_WORKERS workers x $BENCH_THREADS threads, deploy/gunicorn.conf.py${*:+, $*})"
  env GUNICORN_WORKERS="$BENCH_WORKERS" GUNICORN_THREADS="$BENCH_THREADS" GUNICORN_MAX_REQUESTS="$BENCH_MAX_REQUESTS" "$@" \
    .venv/bin/gunicorn -c deploy/gunicorn.conf.py marathon.wsgi --bind "127.0.0.1:$port" \
    --access-logfile "$LOG_DIR/access.log" --error-logfile "$LOG_DIR/gunicorn.log" 2>>"$LOG_DIR/gunicorn.log" &
  gunicorn_pid=$!
  for _ in $(seq 1 60); do
    curl -fsS "$SITE_URL/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "$SITE_URL/healthz" >/dev/null || { echo "gunicorn did not come up; see $LOG_DIR/gunicorn.log" >&2; exit 1; }
}
stop_gunicorn() {
  kill "$gunicorn_pid" 2>/dev/null || true
  wait "$gunicorn_pid" 2>/dev/null || true
  gunicorn_pid=
}
if [ -n "$REDIS_URL" ]; then
  .venv/bin/celery -A marathon purge -f >/dev/null 2>&1 || true
  .venv/bin/celery -A marathon worker --concurrency=1 --loglevel=WARNING >"$LOG_DIR/worker.log" 2>&1 &
  worker_pid=$!
fi
stop() {
  for pid in $gunicorn_pid $worker_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $gunicorn_pid $worker_pid; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
start_gunicorn

echo "== load: $BENCH_REQUESTS requests per scenario at concurrency $BENCH_CONCURRENCY"
$PY -m bench.load --base-url "$SITE_URL" --requests "$BENCH_REQUESTS" --concurrency "$BENCH_CONCURRENCY" \
  --gunicorn-pid "$gunicorn_pid" --out "$BENCH_OUT" --mixed-experts "$BENCH_MIXED_EXPERTS"

if [ "$BENCH_COLD" = 1 ]; then
  # Cold: the same server without the results / rendered-table cache (sessions, Celery and the
  # other caches unchanged), so every dashboard and results request computes and renders.
  stop_gunicorn
  start_gunicorn EVALUATION_RESULTS_CACHE=0
  echo "== cold phase (EVALUATION_RESULTS_CACHE=0)"
  EVALUATION_RESULTS_CACHE=0 $PY -m bench.load --base-url "$SITE_URL" --requests "$BENCH_REQUESTS" \
    --concurrency "$BENCH_CONCURRENCY" --gunicorn-pid "$gunicorn_pid" --out "$BENCH_OUT" --phase cold --append
fi
echo "== results: $BENCH_OUT/results.json and $BENCH_OUT/results.md"

# The allocation benchmark (issue 14; `make bench-allocation` runs it alone): its own database, after
# the load above. BENCH_ALLOCATION=0 skips it.
if [ "${BENCH_ALLOCATION:-1}" = 1 ]; then
  stop
  trap - EXIT
  echo "== allocation: ${BENCH_ALLOCATION_STUDENTS:-10000} students × ${BENCH_ALLOCATION_PROJECTS:-1600} projects"
  DATABASE_URL=${BENCH_ALLOCATION_DB_URL:-postgres://postgres@127.0.0.1:5432/marathon_allocation_bench} \
    $PY -m bench.allocation --students "${BENCH_ALLOCATION_STUDENTS:-10000}" --projects "${BENCH_ALLOCATION_PROJECTS:-1600}"
fi

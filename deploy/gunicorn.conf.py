"""gunicorn settings for the web replicas (docker-compose `web`, Dockerfile CMD). Environment
variables override the defaults, so a replica is tuned without rebuilding the image."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two cores per replica: 2 processes x 2 threads keeps both busy while one waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a dependency never accumulates.
max_requests = 2000
max_requests_jitter = 200
# Header limits (the body is bounded by nginx's client_max_body_size and Django's upload limits).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")

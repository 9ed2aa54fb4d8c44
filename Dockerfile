# Production image: gunicorn serves the portal, whitenoise the static files.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --silent

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 1000 marathon
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY --from=assets /build/node_modules ./node_modules
COPY . .
RUN for dir in locale */locale; do [ -d "$dir" ] || continue; python -m babel.messages.frontend compile -d "$dir" -D django; done \
    && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var/media /app/var/exports && chown -R marathon /app/var
USER marathon
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "marathon.wsgi"]

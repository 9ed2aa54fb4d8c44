"""Benchmarks and measurement scripts (`make bench`, `python -m bench.<name>`); see bench/README.md."""

import os


def setup_django() -> None:
    """Django set up for a script run on its own: the environment's `DJANGO_SETTINGS_MODULE`,
    else the project's settings (database, Redis and DEBUG from the environment as always)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marathon.settings")
    django.setup()

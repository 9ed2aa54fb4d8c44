from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from marathon.discovery import app_modules
from marathon.models import University


class Command(BaseCommand):
    help = ("Load the demo data (idempotent): the seed's universities, areas, editions 2018-2020 "
            "and a current one, demo accounts, and what each app adds in its `demo` module.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already holds universities.")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and University.objects.exists():
            self.stdout.write("Database is not empty; demo data not loaded.")
            return
        # Each app may ship `<app>/demo.py` with `seed(stdout)`; they run in INSTALLED_APPS
        # order, so projects come before the apps that build on them.
        # The demo's notifications stay in the inbox; their e-mails go nowhere (demo addresses).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), \
                transaction.atomic():
            for module in app_modules("demo"):
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

"""Recompute the stored weighted score of every score sheet and bump the results version, for
one edition's commission or all of them: after rows were written around the services (bulk
imports, generated scale data, SQL by hand). Idempotent; each commission in its own transaction."""

from django.core.management.base import BaseCommand

from evaluation.models import Commission
from evaluation.services import rebuild_results_aggregates


class Command(BaseCommand):
    help = "Recompute the evaluation's stored sheet scores (all commissions, or --year)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only the commission of this edition.")

    def handle(self, *args, year=None, **options):
        commissions = Commission.objects.select_related("edition").order_by("edition__year")
        if year is not None:
            commissions = commissions.filter(edition__year=year)
        for commission in commissions:
            counted = rebuild_results_aggregates(commission=commission)
            self.stdout.write(f"{commission.edition.year}: {counted} sheets scored")

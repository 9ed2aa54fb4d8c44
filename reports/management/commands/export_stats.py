from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.exports import BUILDERS
from reports.services import validate_year_range
from reports.statistics import compute_statistics


class Command(BaseCommand):
    help = "Write the yearly statistics for a year range to a CSV, XLSX or PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="year_from", type=int, required=True)
        parser.add_argument("--to", dest="year_to", type=int, required=True)
        parser.add_argument("--format", choices=sorted(BUILDERS), default="xlsx")
        parser.add_argument("--output", required=True, help="File to write ('-' for stdout, CSV only).")

    def handle(self, *args, year_from, year_to, format, output, **options):
        try:
            validate_year_range(year_from, year_to)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        stats = compute_statistics(year_from=year_from, year_to=year_to)
        content = BUILDERS[format](stats)
        if output == "-":
            if format != "csv":
                raise CommandError("Only CSV can be written to stdout.")
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(content)
        self.stderr.write(f"Wrote {format.upper()} statistics {year_from}-{year_to} to {output}.")

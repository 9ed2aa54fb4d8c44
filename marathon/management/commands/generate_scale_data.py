import time

from django.core.management.base import BaseCommand, CommandError

from marathon.models import University
from marathon.scale import Sizes, analyze, generate


class Command(BaseCommand):
    help = ("Fill an empty database with the programme at N times the seed's size, for the "
            "benchmark (bench/README.md). Deterministic for a given --seed (and day).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1,
                            help="N: 1 is about the seed's size, 100 the benchmark's (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--evaluation-projects", type=int, default=None, metavar="P",
                            help="Equal-data benchmark (issue 18): the edition whose evaluation runs "
                                 "today gets P projects with teams (the peer's volume: 1500).")
        parser.add_argument("--evaluation-sheets", type=int, default=None, metavar="S",
                            help="With --evaluation-projects: S submitted score sheets in that edition "
                                 "(default 4 per project; the peer's volume: 6000), plus drafts.")

    def handle(self, *args, scale: int, seed: int, evaluation_projects=None, evaluation_sheets=None,
               **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if evaluation_sheets is not None and not evaluation_projects:
            raise CommandError("--evaluation-sheets needs --evaluation-projects.")
        if evaluation_projects is not None and evaluation_projects < 1:
            raise CommandError("--evaluation-projects must be at least 1.")
        if evaluation_sheets is not None and evaluation_sheets < 0:
            raise CommandError("--evaluation-sheets must not be negative.")
        if University.objects.exists():
            raise CommandError("The database is not empty: generate_scale_data fills an empty, "
                               "migrated database (bench/run.sh creates a fresh one).")
        sizes = Sizes(scale, evaluation_projects=evaluation_projects, evaluation_sheets=evaluation_sheets)
        self.stdout.write(f"Generating scale {scale} (seed {seed}): {sizes.editions} editions, "
                          f"{sizes.universities} universities, {sizes.people} people, "
                          f"{sizes.teams} teams ...")
        if sizes.equal_data:
            self.stdout.write(f"Equal data: the edition being evaluated gets {evaluation_projects} projects, "
                              f"{sizes.evaluation_submitted} submitted sheets ({sizes.evaluation_per_project} "
                              f"experts per project, a commission of {sizes.evaluation_experts}).")
        started = time.monotonic()
        ctx = generate(scale=scale, seed=seed, stdout=self.stdout, evaluation_projects=evaluation_projects,
                       evaluation_sheets=evaluation_sheets)
        analyze()
        elapsed = time.monotonic() - started
        for name, count in ctx.counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Scale data loaded in {elapsed:.1f} s."))

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

    def handle(self, *args, scale: int, seed: int, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        if University.objects.exists():
            raise CommandError("The database is not empty: generate_scale_data fills an empty, "
                               "migrated database (bench/run.sh creates a fresh one).")
        sizes = Sizes(scale)
        self.stdout.write(f"Generating scale {scale} (seed {seed}): {sizes.editions} editions, "
                          f"{sizes.universities} universities, {sizes.people} people, "
                          f"{sizes.teams} teams ...")
        started = time.monotonic()
        ctx = generate(scale=scale, seed=seed, stdout=self.stdout)
        analyze()
        elapsed = time.monotonic() - started
        for name, count in ctx.counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Scale data loaded in {elapsed:.1f} s."))

"""`generate_scale_data` works at any scale: generated organisation names never collide with the
demo organisations' nor with each other once the name combinations run out."""

import random

import pytest
from django.utils import timezone

from marathon import scale
from marathon.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("size", "seed"), [(584, 1), (278, 3), (1500, 2)])
def test_core_rows_at_large_scale_have_unique_organisation_names(size, seed):
    ctx = scale.Context(rng=random.Random(seed), sizes=scale.Sizes(size), today=timezone.localdate(),
                        password="unused")
    scale.core(ctx)
    names = list(Organisation.objects.values_list("name", flat=True))
    assert (len(names), len(set(names))) == (ctx.sizes.organisations, ctx.sizes.organisations)

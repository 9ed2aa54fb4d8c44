"""Factories of the evaluation app."""

import factory

from evaluation.models import (
    Assignment,
    Commission,
    CommissionMember,
    Criterion,
    ExpertGroup,
    Score,
    ScoreSheet,
    SheetStatus,
)
from marathon.models import User
from tests.factories import EditionFactory, UserFactory, approved_project_with_team  # noqa: F401


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission
        django_get_or_create = ("edition",)

    edition = factory.SubFactory(EditionFactory)


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    commission = factory.SubFactory(CommissionFactory)
    user = factory.SubFactory(UserFactory, status=User.Status.PROFESSOR)
    group = ExpertGroup.PARTNER_PROFESSOR
    is_chair = False


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    scale_min = 1
    scale_max = 5
    level_labels = ["Poor", "Fair", "Good", "Very good", "Excellent"]
    required = True
    position = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    member = factory.SubFactory(CommissionMemberFactory)
    project = factory.LazyAttribute(lambda o: approved_project_with_team(edition=o.member.commission.edition))


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreSheet

    assignment = factory.SubFactory(AssignmentFactory)
    status = SheetStatus.DRAFT


def score(sheet, criterion, value, comment=""):
    return Score.objects.create(sheet=sheet, criterion=criterion, value=value, comment=comment,
                                scale_min=criterion.scale_min, scale_max=criterion.scale_max)

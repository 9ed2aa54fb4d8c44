import pytest

from marathon.models import ScientificArea
from projects import catalogue_choices
from tests.factories import ScientificAreaFactory

pytestmark = pytest.mark.django_db


def area_labels():
    return [label for _pk, label in catalogue_choices.reference_options()["area"]]


def test_reference_options_are_read_once_per_process_and_version(django_assert_num_queries):
    ScientificAreaFactory(name="Optics")
    assert area_labels() == ["Optics"]
    with django_assert_num_queries(0):
        assert area_labels() == ["Optics"]


def test_reference_options_follow_a_save_at_once():
    area = ScientificAreaFactory(name="Optics")
    area_labels()
    area.name = "Photonics"
    area.save()  # bumps the version
    assert area_labels() == ["Photonics"]


def test_reference_options_follow_a_write_without_signal_after_the_ttl(monkeypatch):
    area = ScientificAreaFactory(name="Optics")
    area_labels()
    ScientificArea.objects.filter(pk=area.pk).update(name="Photonics")  # no signal
    assert area_labels() == ["Optics"]
    now = catalogue_choices.time.monotonic()
    monkeypatch.setattr(catalogue_choices.time, "monotonic", lambda: now + catalogue_choices.TTL_SECONDS + 1)
    version = catalogue_choices.cache.get(catalogue_choices.VERSION_KEY)
    catalogue_choices.cache.delete_many(  # Redis's copy has expired too, not the version
        [f"projects:catalogue-choices:{version}:en:{name}" for name in catalogue_choices.MODELS])
    assert area_labels() == ["Photonics"]

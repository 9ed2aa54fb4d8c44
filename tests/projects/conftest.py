import pytest

from tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def proposer(db):
    return UserFactory(status="professor")


@pytest.fixture
def co_supervisor(db):
    return UserFactory(status="researcher")


@pytest.fixture
def draft(proposer, co_supervisor):
    project = ProjectFactory(proposer=proposer, title="Corrosion of welded joints",
                             keywords="steel, welding")
    project.co_supervisors.add(co_supervisor)
    return project


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

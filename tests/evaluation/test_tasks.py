"""Publication notices run in Celery, in batches, with progress on the snapshot; never twice."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import ResultSnapshot
from evaluation.tasks import resume_publication_notices_task, send_publication_notices_task
from marathon.models import Notification
from projects.models import Membership, MembershipRole
from tests.factories import MembershipFactory

from .helpers import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(commission, chair, scored):
    for team in (scored["a"].team, scored["b"].team):
        for _ in range(3):
            MembershipFactory(team=team, role=MembershipRole.MEMBER)
    # Not executed: the test drives the task itself.
    return publish(commission, chair)


def published_notices():
    return Notification.objects.filter(kind="evaluation_published")


def test_publish_counts_recipients_and_notifies_nobody_in_the_request(snapshot, scored):
    recipients = Membership.objects.filter(team__in=[scored["a"].team, scored["b"].team]).count()
    assert (snapshot.notify_total, snapshot.notified, snapshot.notices_done) == (recipients, 0, False)
    assert published_notices().count() == 0


def test_notices_sent_in_batches_with_progress(snapshot):
    sent = services.send_publication_notices(snapshot_id=snapshot.pk, batch_size=2)
    snapshot.refresh_from_db()
    assert sent == snapshot.notify_total == snapshot.notified == published_notices().count()
    assert snapshot.notices_done and snapshot.notify_percent == 100
    recipients = set(published_notices().values_list("recipient_id", flat=True))
    assert len(recipients) == snapshot.notify_total


def test_task_rerun_never_notifies_twice(snapshot):
    assert send_publication_notices_task.apply(args=[snapshot.pk]).get() == snapshot.notify_total
    assert send_publication_notices_task.apply(args=[snapshot.pk]).get() == 0
    assert published_notices().count() == snapshot.notify_total


def test_task_resumes_after_partial_run(snapshot):
    first = Membership.objects.filter(team__project__edition=snapshot.commission.edition).order_by("user_id").first()
    from marathon.services import notify

    notify(recipient=first.user, template="evaluation_published",
           context={"edition": snapshot.commission.edition, "team": first.team})
    ResultSnapshot.objects.filter(pk=snapshot.pk).update(notified=1, notified_through_user=first.user_id)
    assert services.send_publication_notices(snapshot_id=snapshot.pk) == snapshot.notify_total - 1
    assert published_notices().filter(recipient=first.user).count() == 1
    assert published_notices().count() == snapshot.notify_total


def test_beat_resumes_only_unfinished_snapshots(snapshot):
    assert services.unfinished_publication_notices() == [snapshot.pk]
    assert resume_publication_notices_task.apply().get() == 1  # eager: the notices run now
    snapshot.refresh_from_db()
    assert snapshot.notices_done
    assert services.unfinished_publication_notices() == []


def test_progress_partial_polls_until_done(login, snapshot, chair, office_user, edition, team_member):
    url = reverse("evaluation:publish_progress", args=[edition.year])
    html = login(chair).get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html and f"0 of {snapshot.notify_total}" in html
    assert 'data-progress="0"' in html
    services.send_publication_notices(snapshot_id=snapshot.pk)
    html = login(office_user).get(url).content.decode()
    assert "hx-trigger" not in html and 'data-progress="100"' in html
    assert login(team_member).get(url).status_code == 404


def test_dashboard_shows_notification_progress(login, snapshot, chair, edition):
    html = login(chair).get(reverse("evaluation:dashboard", args=[edition.year])).content.decode()
    assert 'id="publish-progress"' in html

from datetime import timedelta

from django.utils import timezone

from marathon.models import Edition


def close_evaluation(edition):
    """Move every phase of the edition into the past: the evaluation deadline was yesterday."""
    today = timezone.localdate()
    Edition.objects.filter(pk=edition.pk).update(
        proposals_start=today - timedelta(days=200), proposals_end=today - timedelta(days=190),
        team_formation_start=today - timedelta(days=195), team_formation_end=today - timedelta(days=180),
        research_start=today - timedelta(days=170), research_end=today - timedelta(days=40),
        evaluation_start=today - timedelta(days=30), evaluation_end=today - timedelta(days=1))
    edition.refresh_from_db()
    return edition


def deadline_in(edition, days):
    """Put the evaluation deadline `days` from today (evaluation already running)."""
    today = timezone.localdate()
    Edition.objects.filter(pk=edition.pk).update(
        proposals_start=today - timedelta(days=200), proposals_end=today - timedelta(days=190),
        team_formation_start=today - timedelta(days=195), team_formation_end=today - timedelta(days=180),
        research_start=today - timedelta(days=170), research_end=today - timedelta(days=40),
        evaluation_start=today - timedelta(days=30), evaluation_end=today + timedelta(days=days))
    edition.refresh_from_db()
    return edition


def full_scores(criteria, values):
    return [{"criterion": c.pk, "value": v, "comment": ""} for c, v in zip(criteria, values, strict=False)]


def submit_every_sheet(member, criteria, values=(3, 3), feedback=""):
    """The member saves every score sheet there is with `values` and submits it, through the services."""
    from evaluation import services
    from evaluation.models import ScoreSheet

    for sheet in ScoreSheet.objects.all():
        services.save_score_sheet(sheet=sheet, actor=member.user, scores=full_scores(criteria, values),
                                  feedback=feedback)
        services.submit_score_sheet(sheet=sheet, actor=member.user)


def open_evaluation(edition):
    """Start the evaluation phase today (research ends today), keeping the deadline ahead."""
    today = timezone.localdate()
    Edition.objects.filter(pk=edition.pk).update(research_start=today, research_end=today, evaluation_start=today)
    edition.refresh_from_db()
    return edition


def publish(commission, chair):
    """Publish as the chair once the evaluation phase runs, confirming whatever is missing."""
    from evaluation import services

    open_evaluation(commission.edition)
    return services.publish_results(commission=commission, actor=chair, confirm_missing=True,
                                    reason="Tests publish with what is there.")

"""Celery tasks of the industry app: thin, idempotent, retried with backoff."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from marathon.services import render_plain_text

from .models import CustomerRepresentative, RepresentativeStatus


@shared_task(name="industry.send_representative_invitation", bind=True, acks_late=True, max_retries=8)
def send_representative_invitation(self, link_id: int) -> str:
    """E-mail the invitation link to a person without an account yet (sending twice does no harm)."""
    link = CustomerRepresentative.objects.select_related("organisation").filter(
        pk=link_id, status=RepresentativeStatus.INVITED).first()
    if link is None:
        return "gone"
    from .services import link_accept_url

    context = {"link": link, "url": f"{settings.SITE_URL}{link_accept_url(link)}",
               "signup_url": f"{settings.SITE_URL}/accounts/signup/"}
    subject = " ".join(render_plain_text("emails/industry/invitation_email_subject.txt", context).split())
    body = render_plain_text("emails/industry/invitation_email_body.txt", context)
    try:
        send_mail(subject, body, None, [link.email])
    except Exception as exc:
        if self.request.is_eager:
            return "failed"
        raise self.retry(exc=exc, countdown=min(30 * 2 ** self.request.retries, 900)) from exc
    return "sent"



"""Issuing (one, or in bulk by a resumable Celery task), revoking, certificate settings and the
portfolio's visibility. Only the programme office issues and revokes."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Edition, User
from marathon.services import notify, record_audit

from . import content, signing
from .models import Certificate, CertificateSettings, CertificateStatus, IssueRun, Portfolio, RunStatus
from .pdf import build_certificate_pdf

logger = logging.getLogger(__name__)


def require_office(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only the programme office issues and revokes certificates."))


def require_published(edition: Edition) -> None:
    if content.published_snapshot(edition) is None:
        raise RuleViolation(_("Certificates are issued after the edition's results are published."))


def format_number(edition: Edition, sequence: int) -> str:
    return f"{settings.CERTIFICATE_NUMBER_PREFIX}-{edition.year}-{sequence:05d}"


def batch_size() -> int:
    return max(1, int(getattr(settings, "CERTIFICATE_BATCH_SIZE", 200)))


# --- issuing ---------------------------------------------------------------------------------
def _issue_locked(*, edition: Edition, person_ids: list[int], actor: User | None) -> list[Certificate]:
    """Inside the caller's transaction, holding the settings row's lock (which serialises
    numbering and makes the "already issued?" check race-free): create, sign, audit, notify."""
    cert_settings = CertificateSettings.objects.select_for_update().get(edition=edition)
    done = set(Certificate.objects.filter(edition=edition, person_id__in=person_ids)
               .values_list("person_id", flat=True))
    contents = content.certificate_contents(edition, [pk for pk in person_ids if pk not in done])
    now = timezone.now()
    certificates = []
    for person_id, data in contents.items():
        sequence = cert_settings.next_number
        cert_settings.next_number += 1
        certificate = Certificate(sequence=sequence, number=format_number(edition, sequence), person_id=person_id,
                                  edition=edition, role=data["role"], issued_by=actor, issued_at=now)
        data = {**data, "number": certificate.number, "code": certificate.code,
                "verify_url": content.verify_url(certificate.code), "issued_on": now.date().isoformat()}
        certificate.canonical = signing.canonical_json(data)
        certificate.data = data
        certificate.signature, certificate.key_id = signing.sign(certificate.canonical)
        certificates.append(certificate)
    if not certificates:
        return []
    cert_settings.save(update_fields=["next_number"])
    Certificate.objects.bulk_create(certificates)
    content_type = ContentType.objects.get_for_model(Certificate)
    AuditEntry.objects.bulk_create([AuditEntry(
        actor=actor if actor and actor.pk else None, action="certificates.issued", content_type=content_type,
        object_id=str(c.pk), target_repr=c.number, changes={"person": c.person_id, "edition": edition.year,
                                                             "role": c.role, "key_id": c.key_id})
        for c in certificates])
    people = {u.pk: u for u in User.objects.filter(pk__in=[c.person_id for c in certificates])}
    for certificate in certificates:
        notify(recipient=people[certificate.person_id], template="generic",
               context={"subject": _("Your certificate %(number)s is ready") % {"number": certificate.number},
                        "message": _("Your certificate of participation in %(edition)s is ready to download.")
                        % {"edition": edition.title}},
               url=reverse("certificates:mine"))
    return certificates


def issue_certificate(*, person: User, edition: Edition, actor: User) -> Certificate:
    """Issue one person's certificate for an edition (office only, after the results are
    published): numbered, signed, audited, the person notified; the PDF is stored at once.
    Raises RuleViolation when the person already has one or did not take part."""
    require_office(actor)
    require_published(edition)
    content.settings_for(edition)
    with transaction.atomic():
        if Certificate.objects.filter(person=person, edition=edition).exists():
            raise RuleViolation(_("%(person)s already has a certificate for this edition.") % {"person": person})
        issued = _issue_locked(edition=edition, person_ids=[person.pk], actor=actor)
        if not issued:
            if Certificate.objects.filter(person=person, edition=edition).exists():
                raise RuleViolation(_("%(person)s already has a certificate for this edition.") % {"person": person})
            raise RuleViolation(_("%(person)s did not take part in this edition.") % {"person": person})
    certificate = issued[0]
    store_pdf(certificate)
    return certificate


def store_pdf(certificate: Certificate) -> Certificate:
    """Render the PDF and save it through the storage API (the web and the worker may not share
    a disk). Idempotent: a certificate that has its file keeps it."""
    if certificate.pdf:
        return certificate
    data = build_certificate_pdf(canonical=certificate.canonical, signature=certificate.signature,
                                 key_id=certificate.key_id)
    name = default_storage.save(f"certificates/{certificate.edition_id}/{certificate.code}.pdf", ContentFile(data))
    updated = Certificate.objects.filter(pk=certificate.pk, pdf="").update(pdf=name)
    if not updated:  # another worker stored it first
        default_storage.delete(name)
        certificate.refresh_from_db(fields=["pdf"])
    else:
        certificate.pdf.name = name
    return certificate


def pdf_bytes(certificate: Certificate) -> bytes:
    """The stored PDF (rendered and stored now if an interrupted run left it missing)."""
    store_pdf(certificate)
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        return handle.read()


def start_bulk_issue(*, edition: Edition, actor: User) -> IssueRun:
    """Start issuing an edition's certificates in the background (office only; once the results
    are published). Audited; the Celery task runs after commit. A running run is returned as is."""
    require_office(actor)
    require_published(edition)
    content.settings_for(edition)
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        running = IssueRun.objects.filter(edition=edition, status__in=[RunStatus.PENDING, RunStatus.RUNNING]).first()
        if running:
            return running
        run = IssueRun.objects.create(edition=edition, started_by=actor,
                                      total=content.eligible_person_ids(edition).count())
        record_audit(actor=actor, action="certificates.bulk_issue_started", target=run,
                     changes={"edition": edition.year, "people": run.total})
        transaction.on_commit(lambda: enqueue_run(run.pk))
    return run


def enqueue_run(run_id: int) -> None:
    from .tasks import issue_certificates

    try:
        issue_certificates.apply_async(args=[run_id], retry=False)
    except Exception:  # broker down: the run stays pending; "Resume" or the beat job restarts it
        logger.warning("Could not enqueue certificate run %s.", run_id, exc_info=True)


def resume_run(*, run: IssueRun, actor: User) -> IssueRun:
    """Re-enqueue an unfinished run (after a worker died): it continues from its cursor."""
    require_office(actor)
    if run.is_finished:
        raise RuleViolation(_("This run has finished."))
    record_audit(actor=actor, action="certificates.bulk_issue_resumed", target=run, changes={"cursor": run.cursor})
    enqueue_run(run.pk)
    return run


def run_issue_batch(*, run_id: int) -> bool:
    """Issue the next batch of a run; True while more remain. The batch and the run's cursor
    commit together, so a killed worker loses at most an uncommitted batch, and a duplicate or
    re-delivered task skips people already issued (checked under the settings row's lock).
    The PDFs are rendered afterwards by their own task (or on first download)."""
    with transaction.atomic():
        run = IssueRun.objects.select_for_update(of=("self",)).select_related("edition", "started_by").get(pk=run_id)
        if run.is_finished:
            return False
        ids = list(content.eligible_person_ids(run.edition).filter(pk__gt=run.cursor)[:batch_size()])
        issued = _issue_locked(edition=run.edition, person_ids=ids, actor=run.started_by) if ids else []
        run.status = RunStatus.RUNNING
        run.cursor = ids[-1] if ids else run.cursor
        run.processed = min(run.total, run.processed + len(ids)) if ids else run.total
        run.issued += len(issued)
        run.heartbeat_at, run.auto_resumes = timezone.now(), 0
        run.save(update_fields=["status", "cursor", "processed", "issued", "heartbeat_at", "auto_resumes"])
    if ids:
        return True
    with transaction.atomic():
        finished = (IssueRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE)
                    .update(status=RunStatus.DONE, finished_at=timezone.now()))
        if not finished:  # a duplicate task finished it first
            return False
        run.refresh_from_db()
        record_audit(actor=run.started_by, action="certificates.bulk_issue_finished", target=run,
                     changes={"issued": run.issued})
        if run.started_by:
            notify(recipient=run.started_by, template="generic", send_email=False,
                   context={"subject": _("Certificates issued"),
                            "message": _("%(count)d certificates of %(edition)s were issued.")
                            % {"count": run.issued, "edition": run.edition.title}},
                   url=reverse("certificates:run", args=[run.pk]))
        transaction.on_commit(lambda: enqueue_pdfs(run.edition_id))
    return False


def enqueue_pdfs(edition_id: int) -> None:
    from .tasks import render_certificate_pdfs

    try:
        render_certificate_pdfs.apply_async(args=[edition_id], retry=False)
    except Exception:  # broker down: each PDF is rendered on its first download instead
        logger.warning("Could not enqueue PDF rendering for edition %s.", edition_id, exc_info=True)


def render_missing_pdfs(*, edition_id: int, limit: int | None = None) -> int:
    """Render and store the PDFs that are still missing (after a bulk run), oldest first. Issuing
    does not wait for them: a PDF missing at download time is rendered then (`pdf_bytes`)."""
    rendered = 0
    missing = Certificate.objects.filter(edition_id=edition_id, pdf="").order_by("pk")
    for certificate in missing[:limit] if limit else missing.iterator():
        store_pdf(certificate)
        rendered += 1
    return rendered


MAX_AUTO_RESUMES = 3


def stalled_after() -> timedelta:
    """A run with no batch committed for this long has lost its worker (a batch takes seconds).
    With acks_late the broker re-delivers a killed worker's task after the visibility timeout;
    past that, the beat job takes over."""
    return timedelta(seconds=settings.CELERY_VISIBILITY_TIMEOUT) + timedelta(minutes=2)


def resume_stalled_runs(*, now=None) -> int:
    """Beat job: enqueue again every unfinished run without a sign of life for `stalled_after()`
    (audited, actor none). Never issues twice: the run continues from its cursor and each batch
    skips people already issued under the settings row's lock. A run being worked on holds its
    row lock and is skipped. After MAX_AUTO_RESUMES restarts without progress the run ends as
    failed and its starter is told (they can start the edition's bulk issue again)."""
    now = now or timezone.now()
    cutoff = now - stalled_after()
    stalled = Q(status__in=[RunStatus.PENDING, RunStatus.RUNNING]) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    resumed = 0
    for run_id in list(IssueRun.objects.filter(stalled).order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            run = (IssueRun.objects.select_for_update(skip_locked=True, of=("self",)).select_related("edition")
                   .filter(stalled, pk=run_id).first())
            if run is None:  # a worker holds it, or it beat meanwhile
                continue
            if run.auto_resumes >= MAX_AUTO_RESUMES:
                _fail_stalled(run, now)
                continue
            run.auto_resumes += 1
            run.heartbeat_at = now  # the next attempt gets a whole period before it counts as stalled
            run.save(update_fields=["auto_resumes", "heartbeat_at"])
            record_audit(actor=None, action="certificates.bulk_issue_resumed", target=run,
                         changes={"cursor": run.cursor, "automatic": True, "attempt": run.auto_resumes})
            transaction.on_commit(lambda pk=run.pk: enqueue_run(pk))
            resumed += 1
    return resumed


def _fail_stalled(run: IssueRun, now) -> None:
    message = _("The bulk issue stopped %(count)d times without progress; start it again.") % {
        "count": run.auto_resumes}
    run.status, run.error, run.finished_at = RunStatus.FAILED, message, now
    run.save(update_fields=["status", "error", "finished_at"])
    record_audit(actor=None, action="certificates.bulk_issue_failed", target=run,
                 changes={"cursor": run.cursor, "processed": run.processed, "error": message})
    if run.started_by_id:
        notify(recipient=run.started_by, template="generic", send_email=False,
               context={"subject": _("Certificates: bulk issue stopped"), "message": message},
               url=reverse("certificates:run", args=[run.pk]))


def run_issue(*, run_id: int) -> str:
    while run_issue_batch(run_id=run_id):
        pass
    return "done"


# --- revoking --------------------------------------------------------------------------------
def revoke_certificate(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke with a reason (office only): it then verifies as revoked. Audited; the holder is told."""
    require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking.")]})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("person").get(pk=certificate.pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise RuleViolation(_("This certificate is already revoked."))
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_reason, certificate.revoked_by, certificate.revoked_at = reason[:500], actor, timezone.now()
        certificate.save(update_fields=["status", "revoked_reason", "revoked_by", "revoked_at"])
        record_audit(actor=actor, action="certificates.revoked", target=certificate, changes={"reason": reason})
        notify(recipient=certificate.person, template="generic",
               context={"subject": _("Certificate %(number)s revoked") % {"number": certificate.number},
                        "message": _("Reason: %(reason)s") % {"reason": reason}},
               url=reverse("certificates:mine"))
    return certificate


# --- settings and portfolio ------------------------------------------------------------------
def update_settings(*, edition: Edition, actor: User, data: dict) -> CertificateSettings:
    require_office(actor)
    with transaction.atomic():
        cert_settings = CertificateSettings.objects.select_for_update().get(pk=content.settings_for(edition).pk)
        changes = {}
        for name, value in data.items():
            if getattr(cert_settings, name) != value:
                changes[name] = [str(getattr(cert_settings, name)), str(value)]
                setattr(cert_settings, name, value)
        cert_settings.full_clean()
        cert_settings.save()
        if changes:
            record_audit(actor=actor, action="certificates.settings_changed", target=cert_settings, changes=changes)
    return cert_settings


def portfolio_of(user: User) -> Portfolio:
    try:
        portfolio, _created = Portfolio.objects.get_or_create(user=user)
    except IntegrityError:  # created by a simultaneous request
        portfolio = Portfolio.objects.get(user=user)
    return portfolio


def set_portfolio_public(*, user: User, actor: User, public: bool) -> Portfolio:
    """Make one's portfolio public at its stable URL, or private again. Audited."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("Only the person decides whether their portfolio is public."))
    with transaction.atomic():
        portfolio = Portfolio.objects.select_for_update().get(pk=portfolio_of(user).pk)
        if portfolio.is_public != public:
            portfolio.is_public = public
            portfolio.save(update_fields=["is_public", "updated_at"])
            record_audit(actor=actor, action="certificates.portfolio_visibility", target=portfolio,
                         changes={"public": public})
    return portfolio

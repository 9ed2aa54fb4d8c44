"""Every write with rules in the industry app: one function per workflow step.

Each step checks the actor's permission (PermissionDenied) and the transition (RuleViolation,
HTTP 409), writes in one transaction (on a locked row where two people may race), records an
audit entry and stores the notifications it causes."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import Edition, Organisation, User
from marathon.services import notify, record_audit
from marathon.uploads import DOCUMENTS, IMAGES, PDF, validate_upload
from projects import permissions as project_permissions
from projects.models import DegreeLevel, Project
from projects.services import create_project

from . import permissions, selectors
from .models import (
    ApplicationStatus,
    CustomerRepresentative,
    Implementation,
    ImplementationStatus,
    Internship,
    InternshipApplication,
    ProjectFeedback,
    RecordedSide,
    RepresentativeStatus,
    ResearchTask,
    TaskAdoption,
    TaskStatus,
)

CV_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
SELF = ("self",)  # lock only the row itself, not the joined ones (some are nullable)
TASK_FIELDS = ("title", "problem_statement", "expected_results", "area", "keywords", "resources_offered",
               "confidentiality", "ip_terms", "contact_name", "contact_email", "desired_edition",
               "max_adoptions")
INTERNSHIP_FIELDS = ("title", "description", "host_organisation", "site_name", "city", "country", "latitude",
                     "longitude", "start_date", "end_date", "places", "stipend", "required_skills",
                     "degree_levels", "mode", "deadline")
IMPLEMENTATION_FIELDS = ("what", "where", "implemented_on", "evidence_link", "effect", "effect_figure",
                         "effect_unit")


# --- customer accounts ----------------------------------------------------------------------
def invite_representative(*, organisation: Organisation, email: str, actor: User) -> CustomerRepresentative:
    """The office invites a person to speak for an organisation. Side effects: audit entry; an
    in-app notification when the address already has an account, an invitation e-mail otherwise."""
    _require(permissions.is_office(actor), _("Only the programme office invites customer representatives."))
    email = (email or "").strip().lower()
    link = CustomerRepresentative(organisation=organisation, email=email, status=RepresentativeStatus.INVITED,
                                  invited_by=actor)
    _full_clean(link, exclude=["user", "token"])
    existing = User.objects.filter(email__iexact=email).first()
    if existing and CustomerRepresentative.objects.filter(user=existing, organisation=organisation).exists():
        raise RuleViolation(_("This person is already linked to %(org)s.") % {"org": organisation})
    with transaction.atomic():
        link.save()
        record_audit(actor=actor, action="industry.representative_invited", target=link,
                     changes={"email": email, "organisation": organisation.pk})
        if existing:
            notify(recipient=existing, template="industry/representative_invited",
                   context={"link": link}, url=link_accept_url(link))
        else:
            from .tasks import send_representative_invitation

            transaction.on_commit(lambda: _enqueue(send_representative_invitation, link.pk))
    return link


def link_accept_url(link: CustomerRepresentative) -> str:
    from django.urls import reverse

    return reverse("industry:invitation_accept", args=[link.token])


def accept_invitation(*, token: str, actor: User) -> CustomerRepresentative:
    """The invited person (signed in with the invited address) accepts. Side effects: approved
    link, role group, audit entry, notification to the inviter."""
    with transaction.atomic():
        link = (CustomerRepresentative.objects.select_for_update(of=SELF).select_related("organisation", "invited_by")
                .filter(token=token, status=RepresentativeStatus.INVITED).first())
        if link is None:
            raise RuleViolation(_("This invitation is not valid any more."))
        if link.email.lower() != actor.email.lower():
            raise PermissionDenied(_("This invitation was sent to another e-mail address."))
        # An earlier claim of the same person for the same organisation is superseded.
        CustomerRepresentative.objects.filter(user=actor, organisation=link.organisation).exclude(pk=link.pk).delete()
        link.user, link.status, link.decided_at = actor, RepresentativeStatus.APPROVED, timezone.now()
        link.approved_by = link.invited_by
        link.save(update_fields=["user", "status", "decided_at", "approved_by"])
        sync_role_group(actor)
        record_audit(actor=actor, action="industry.invitation_accepted", target=link,
                     changes={"status": [RepresentativeStatus.INVITED, RepresentativeStatus.APPROVED]})
        if link.invited_by:
            notify(recipient=link.invited_by, template="industry/invitation_accepted", context={"link": link},
                   url="/industry/representatives/")
    return link


def claim_organisation(*, organisation: Organisation, actor: User, note: str = "") -> CustomerRepresentative:
    """A signed-up user says they speak for an organisation; pending (and powerless) until the
    office approves. Side effects: audit entry, notification to the office."""
    if CustomerRepresentative.objects.filter(user=actor, organisation=organisation).exists():
        raise RuleViolation(_("You have already claimed %(org)s.") % {"org": organisation})
    link = CustomerRepresentative(user=actor, organisation=organisation, email=actor.email,
                                  status=RepresentativeStatus.PENDING, note=(note or "").strip())
    with transaction.atomic():
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as exc:
            raise RuleViolation(_("You have already claimed %(org)s.") % {"org": organisation}) from exc
        record_audit(actor=actor, action="industry.claim_submitted", target=link,
                     changes={"organisation": organisation.pk})
        for office in User.objects.filter(is_staff=True, is_active=True):
            notify(recipient=office, template="industry/claim_submitted", context={"link": link},
                   url="/industry/representatives/", send_email=False)
    return link


def approve_claim(*, link: CustomerRepresentative, actor: User) -> CustomerRepresentative:
    return _decide_claim(link=link, actor=actor, to=RepresentativeStatus.APPROVED)


def reject_claim(*, link: CustomerRepresentative, actor: User) -> CustomerRepresentative:
    return _decide_claim(link=link, actor=actor, to=RepresentativeStatus.REJECTED)


def revoke_representative(*, link: CustomerRepresentative, actor: User) -> CustomerRepresentative:
    """The office withdraws a person's right to speak for an organisation."""
    _require(permissions.is_office(actor), _("Only the programme office manages customer representatives."))
    with transaction.atomic():
        link = CustomerRepresentative.objects.select_for_update(of=SELF).select_related("user").get(pk=link.pk)
        if link.status != RepresentativeStatus.APPROVED:
            raise RuleViolation(_("Only an approved representative can be revoked."))
        link.status, link.decided_at = RepresentativeStatus.REVOKED, timezone.now()
        link.save(update_fields=["status", "decided_at"])
        sync_role_group(link.user)
        record_audit(actor=actor, action="industry.representative_revoked", target=link,
                     changes={"status": [RepresentativeStatus.APPROVED, RepresentativeStatus.REVOKED]})
    return link


def _decide_claim(*, link, actor, to) -> CustomerRepresentative:
    """Pending → approved/rejected (the office). Side effects: role group, audit, notification."""
    _require(permissions.is_office(actor), _("Only the programme office decides on claims."))
    with transaction.atomic():
        link = (CustomerRepresentative.objects.select_for_update(of=SELF).select_related("user", "organisation")
                .get(pk=link.pk))
        if link.status != RepresentativeStatus.PENDING:
            raise RuleViolation(_("This claim has been decided already."))
        link.status, link.decided_at, link.approved_by = to, timezone.now(), actor
        link.save(update_fields=["status", "decided_at", "approved_by"])
        sync_role_group(link.user)
        record_audit(actor=actor, action=f"industry.claim_{to}", target=link,
                     changes={"status": [RepresentativeStatus.PENDING, to]})
        notify(recipient=link.user, template="industry/claim_decided", context={"link": link},
               url="/industry/")
    return link


def sync_role_group(user: User) -> None:
    """Keep the "Customer representatives" group equal to the approved links."""
    group, _created = Group.objects.get_or_create(name=permissions.CUSTOMER_REPRESENTATIVES)
    approved = CustomerRepresentative.objects.filter(user=user, status=RepresentativeStatus.APPROVED).exists()
    (user.groups.add if approved else user.groups.remove)(group)
    for cached in ("_industry_organisation_ids", "_portal_group_names"):
        user.__dict__.pop(cached, None)


# --- research tasks -------------------------------------------------------------------------
def submit_task(*, actor: User, organisation: Organisation, data: dict) -> ResearchTask:
    """A representative (or the office) submits a task for review. Side effects: audit entry,
    notification to the office (in-app)."""
    _require(permissions.is_office(actor) or permissions.represents(actor, organisation.pk),
             _("Only representatives of %(org)s can submit its tasks.") % {"org": organisation})
    task = ResearchTask(organisation=organisation, submitted_by=actor, status=TaskStatus.SUBMITTED,
                        **{k: v for k, v in data.items() if k in TASK_FIELDS})
    _full_clean(task, exclude=["submitted_by"])
    with transaction.atomic():
        task.save()
        record_audit(actor=actor, action="industry.task_submitted", target=task,
                     changes={"status": ["", TaskStatus.SUBMITTED]})
        for office in User.objects.filter(is_staff=True, is_active=True):
            notify(recipient=office, template="industry/task_submitted", context={"task": task},
                   url=task.get_absolute_url(), send_email=False)
    return task


def approve_task(*, task: ResearchTask, actor: User) -> ResearchTask:
    """Submitted → approved (the office); the task enters the catalogue. Side effects: audit,
    notification to the submitter."""
    with transaction.atomic():
        task = _locked_task(task)
        _require(permissions.is_office(actor), _("Only the programme office reviews research tasks."))
        _require_task_status(task, TaskStatus.SUBMITTED, _("Only a task awaiting review can be approved."))
        task.status, task.decided_at, task.decided_by = TaskStatus.APPROVED, timezone.now(), actor
        task.save(update_fields=["status", "decided_at", "decided_by"])
        record_audit(actor=actor, action="industry.task_approved", target=task,
                     changes={"status": [TaskStatus.SUBMITTED, TaskStatus.APPROVED]})
        notify(recipient=task.submitted_by, template="industry/task_decided", context={"task": task},
               url=task.get_absolute_url())
    return task


def reject_task(*, task: ResearchTask, actor: User, reason: str) -> ResearchTask:
    """Submitted → rejected with a reason (the office). Side effects: audit, notification."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the rejection.")})
    with transaction.atomic():
        task = _locked_task(task)
        _require(permissions.is_office(actor), _("Only the programme office reviews research tasks."))
        _require_task_status(task, TaskStatus.SUBMITTED, _("Only a task awaiting review can be rejected."))
        task.status, task.rejection_reason = TaskStatus.REJECTED, reason
        task.decided_at, task.decided_by = timezone.now(), actor
        task.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        record_audit(actor=actor, action="industry.task_rejected", target=task,
                     changes={"status": [TaskStatus.SUBMITTED, TaskStatus.REJECTED], "reason": reason})
        notify(recipient=task.submitted_by, template="industry/task_decided", context={"task": task},
               url=task.get_absolute_url())
    return task


def project_data_from_task(task: ResearchTask) -> dict:
    """What the adoption form is prefilled with."""
    edition = task.desired_edition or Edition.objects.current()
    return {
        "edition": edition, "area": task.area, "title": task.title[:200],
        "summary": task.problem_statement.strip().replace("\n", " ")[:500],
        "description": f"{task.problem_statement}\n\n## {_('Expected results')}\n\n{task.expected_results}",
        "keywords": task.keywords, "customer": task.organisation,
    }


def adopt_task(*, task: ResearchTask, actor: User, project_data: dict) -> TaskAdoption:
    """A professor turns an approved task into a project proposal (a draft linked to the task).
    The task's row lock makes concurrent adoptions respect `max_adoptions`. Side effects: the
    project (with its own audit entry), audit `industry.task_adopted`, notifications to the
    customer's representatives."""
    _require(project_permissions.can_propose(actor), _("Only professors and researchers can adopt tasks."))
    if not selectors.tasks_visible_to(actor).filter(pk=task.pk).exists():
        raise PermissionDenied(_("You cannot see this task."))
    with transaction.atomic():
        task = _locked_task(task)
        _require_task_status(task, TaskStatus.APPROVED, _("Only an approved task can be adopted."))
        if task.adoption_count >= task.max_adoptions:
            raise RuleViolation(_("This task has been adopted by as many projects as the customer allows."))
        data = {**project_data, "customer": task.organisation}
        project = create_project(actor=actor, data=data)
        adoption = TaskAdoption.objects.create(task=task, project=project, adopted_by=actor)
        ResearchTask.objects.filter(pk=task.pk).update(adoption_count=F("adoption_count") + 1)
        record_audit(actor=actor, action="industry.task_adopted", target=task,
                     changes={"project": project.pk, "adoptions": [task.adoption_count, task.adoption_count + 1]})
        for person in selectors.representatives_of(task.organisation_id):
            notify(recipient=person, template="industry/task_adopted",
                   context={"task": task, "project": project, "professor": actor},
                   url=f"/industry/projects/{project.pk}/")
    return adoption


def _locked_task(task: ResearchTask) -> ResearchTask:
    tasks = ResearchTask.objects.select_for_update(of=SELF).select_related("submitted_by", "organisation")
    return tasks.get(pk=task.pk)


def _require_task_status(task, status, message):
    if task.status != status:
        state = _("The task is %(status)s.") % {"status": task.get_status_display().lower()}
        raise RuleViolation(f"{message} {state}")


# --- internships ----------------------------------------------------------------------------
def create_internship(*, actor: User, organisation: Organisation, data: dict) -> Internship:
    """A representative (or the office) offers internship places. Side effects: audit entry."""
    _require(permissions.is_office(actor) or permissions.represents(actor, organisation.pk),
             _("Only representatives of %(org)s can offer its internships.") % {"org": organisation})
    internship = Internship(organisation=organisation, created_by=actor,
                            **{k: v for k, v in data.items() if k in INTERNSHIP_FIELDS})
    internship.host_organisation = internship.host_organisation or organisation.name
    levels = internship.degree_levels or []
    errors = {}
    if not isinstance(levels, list) or any(level not in DegreeLevel.values for level in levels):
        errors["degree_levels"] = [_("Choose degree levels from: %(levels)s.")
                                   % {"levels": ", ".join(DegreeLevel.values)}]
    if (internship.latitude is None) != (internship.longitude is None):
        errors["longitude"] = [_("Give both latitude and longitude, or neither.")]
    _full_clean(internship, exclude=["created_by"], errors=errors)
    with transaction.atomic():
        internship.save()
        record_audit(actor=actor, action="industry.internship_offered", target=internship,
                     changes={"places": internship.places})
    return internship


def apply_for_internship(*, internship: Internship, actor: User, motivation: str, cv) -> InternshipApplication:
    """A student applies with a motivation and a CV (PDF, at most 5 MB). Side effects: the stored
    file, audit entry, notifications to the customer's representatives."""
    _require(permissions.is_student(actor), _("Only students can apply for internships."))
    errors = {}
    if not (motivation or "").strip():
        errors["motivation"] = [_("Tell the customer why you apply.")]
    try:
        validate_upload(cv, allowed=PDF, max_bytes=CV_MAX_BYTES)
    except ValidationError as exc:
        errors["cv"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if timezone.localdate() > internship.deadline:
        raise RuleViolation(_("The application deadline has passed."))
    name = (cv.name or "cv.pdf").rsplit("/", 1)[-1][-200:]
    application = InternshipApplication(internship=internship, student=actor, motivation=motivation.strip(),
                                        cv=cv, cv_name=name, cv_size=cv.size)
    try:
        with transaction.atomic():
            if InternshipApplication.objects.filter(internship=internship, student=actor).exists():
                raise RuleViolation(_("You have already applied for this internship."))
            application.save()
            record_audit(actor=actor, action="industry.internship_applied", target=application,
                         changes={"status": ["", ApplicationStatus.SUBMITTED]})
            for person in selectors.representatives_of(internship.organisation_id):
                notify(recipient=person, template="industry/application_received",
                       context={"application": application, "internship": internship},
                       url=application.get_absolute_url())
    except Exception as exc:
        # The storage wrote the file before the row; a rolled-back row must not leave it behind.
        if application.cv.name:
            application.cv.storage.delete(application.cv.name)
        if isinstance(exc, IntegrityError):
            raise RuleViolation(_("You have already applied for this internship.")) from exc
        raise
    return application


def shortlist_application(*, application: InternshipApplication, actor: User) -> InternshipApplication:
    return _decide_application(application, actor, ApplicationStatus.SHORTLISTED, (ApplicationStatus.SUBMITTED,))


def decline_application(*, application: InternshipApplication, actor: User) -> InternshipApplication:
    return _decide_application(application, actor, ApplicationStatus.DECLINED,
                               (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED))


def accept_application(*, application: InternshipApplication, actor: User) -> InternshipApplication:
    return _decide_application(application, actor, ApplicationStatus.ACCEPTED,
                               (ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED))


def _decide_application(application, actor, to, allowed_from) -> InternshipApplication:
    """Shortlist, accept or decline (the customer's representatives or the office).

    Accepting locks the internship row first, so concurrent accepts queue and each sees the
    places the previous one took; the CheckConstraint on `accepted_count` is the backstop.
    Side effects: audit entry, notification to the student."""
    with transaction.atomic():
        internship = Internship.objects.select_for_update(of=SELF).get(pk=application.internship_id)
        application = (InternshipApplication.objects.select_for_update(of=SELF).select_related("student")
                       .get(pk=application.pk))
        application.internship = internship
        _require(permissions.can_manage_internship(actor, internship),
                 _("Only the customer's representatives decide on applications."))
        if application.status not in allowed_from:
            raise RuleViolation(_("This application is %(status)s already.")
                                % {"status": application.get_status_display().lower()})
        if to == ApplicationStatus.ACCEPTED:
            if internship.accepted_count >= internship.places:
                raise RuleViolation(_("All places of this internship are taken."))
            internship.accepted_count += 1
            internship.save(update_fields=["accepted_count"])
        before = application.status
        application.status, application.decided_by, application.decided_at = to, actor, timezone.now()
        application.save(update_fields=["status", "decided_by", "decided_at"])
        record_audit(actor=actor, action=f"industry.application_{to}", target=application,
                     changes={"status": [before, to]})
        notify(recipient=application.student, template="industry/application_decided",
               context={"application": application, "internship": internship},
               url=application.get_absolute_url())
    return application


def link_internship_to_mobility(*, application: InternshipApplication, mobility, actor: User):
    """The student links an accepted internship abroad to their mobility application (a draft);
    the grant is then measured to the internship site. Side effects: audit entries on both."""
    from mobility.models import MobilityStatus

    with transaction.atomic():
        application = InternshipApplication.objects.select_for_update(of=SELF).select_related("internship").get(
            pk=application.pk)
        mobility = (type(mobility).objects.select_for_update(of=SELF).select_related("host_university")
                    .get(pk=mobility.pk))
        _require(application.student_id == actor.pk and mobility.participant_id == actor.pk,
                 _("Only the student can link their own internship and mobility."))
        if application.status != ApplicationStatus.ACCEPTED:
            raise RuleViolation(_("Only an accepted internship can be linked to a mobility."))
        if mobility.status != MobilityStatus.DRAFT:
            raise RuleViolation(_("Only a draft mobility application can be linked."))
        internship = application.internship
        if internship.latitude is None or internship.longitude is None:
            raise RuleViolation(_("The internship has no site coordinates; ask the customer to add them."))
        if str(mobility.host_university.country) != internship.country:
            raise ValidationError({"mobility": _("The mobility's host university is not in the internship's country.")})
        mobility.host_site_name = f"{internship.host_organisation}, {internship.site_name}"[:200]
        mobility.host_site_latitude, mobility.host_site_longitude = internship.latitude, internship.longitude
        mobility.save(update_fields=["host_site_name", "host_site_latitude", "host_site_longitude"])
        application.mobility = mobility
        application.save(update_fields=["mobility"])
        record_audit(actor=actor, action="industry.internship_linked", target=application,
                     changes={"mobility": mobility.pk})
        record_audit(actor=actor, action="mobility.host_site_set", target=mobility,
                     changes={"host_site": mobility.host_site_name})
    return application


# --- following commissioned work ------------------------------------------------------------
def give_feedback(*, project: Project, actor: User, text: str) -> ProjectFeedback:
    """The customer comments on a project adopted from their task. Side effects: audit entry,
    notifications to the project's supervisors."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your feedback.")})
    adoption = TaskAdoption.objects.select_related("task").filter(project=project).first()
    _require(adoption is not None and permissions.represents(actor, adoption.task.organisation_id),
             _("Only the customer of this project can give feedback."))
    with transaction.atomic():
        feedback = ProjectFeedback.objects.create(project=project, organisation_id=adoption.task.organisation_id,
                                                  author=actor, text=text)
        record_audit(actor=actor, action="industry.feedback_given", target=project, changes={"feedback": feedback.pk})
        for supervisor in User.objects.filter(pk__in=project.supervisor_ids()):
            notify(recipient=supervisor, template="industry/feedback_given",
                   context={"feedback": feedback, "project": project}, url=f"/industry/projects/{project.pk}/")
    return feedback


# --- implementation of results --------------------------------------------------------------
def side_of(user, project: Project, organisation_id: int | None) -> str | None:
    if user.pk in project.supervisor_ids():
        return RecordedSide.SUPERVISORS
    if organisation_id is not None and permissions.represents(user, organisation_id):
        return RecordedSide.CUSTOMER
    return None


def customer_of(project: Project) -> int | None:
    adoption = TaskAdoption.objects.select_related("task").filter(project=project).first()
    return adoption.task.organisation_id if adoption else project.customer_id


def record_implementation(*, project: Project, actor: User, data: dict, evidence=None) -> Implementation:
    """A supervisor or the customer records that a result was put to use; it awaits the other
    side's confirmation. Side effects: evidence file, audit entry, notifications to the other side."""
    organisation_id = customer_of(project)
    if organisation_id is None:
        raise RuleViolation(_("This project has no industry customer."))
    side = side_of(actor, project, organisation_id)
    _require(side is not None, _("Only the project's supervisors or its customer record implementations."))
    implementation = Implementation(project=project, organisation_id=organisation_id, recorded_by=actor,
                                    recorded_side=side, **{k: v for k, v in data.items() if k in IMPLEMENTATION_FIELDS})
    errors = {}
    if evidence is not None:
        try:
            implementation.evidence_type = validate_upload(evidence, allowed=PDF | DOCUMENTS | IMAGES,
                                                           max_bytes=EVIDENCE_MAX_BYTES)
        except ValidationError as exc:
            errors["evidence_file"] = exc.messages
        implementation.evidence_file = evidence
        implementation.evidence_name = (evidence.name or "evidence").rsplit("/", 1)[-1][-200:]
    if evidence is None and not implementation.evidence_link:
        errors["evidence_link"] = [_("Give an evidence file or link.")]
    _full_clean(implementation, exclude=["recorded_by", "evidence_file"], errors=errors)
    try:
        with transaction.atomic():
            implementation.save()
            record_audit(actor=actor, action="industry.implementation_recorded", target=implementation,
                         changes={"status": ["", ImplementationStatus.PENDING], "side": side})
            for person in _other_side(project, organisation_id, side):
                notify(recipient=person, template="industry/implementation_recorded",
                       context={"implementation": implementation, "project": project},
                       url=implementation.get_absolute_url())
    except Exception:
        if implementation.evidence_file.name:
            implementation.evidence_file.storage.delete(implementation.evidence_file.name)
        raise
    return implementation


def confirm_implementation(*, implementation: Implementation, actor: User) -> Implementation:
    """The other side confirms (the recorder cannot); only then it counts in the statistics.
    Side effects: audit entry, notification to the recorder."""
    with transaction.atomic():
        implementation = (Implementation.objects.select_for_update(of=SELF).select_related("project", "recorded_by")
                          .get(pk=implementation.pk))
        project = implementation.project
        side = side_of(actor, project, implementation.organisation_id)
        _require(side is not None and side != implementation.recorded_side,
                 _("The other side (the customer or the supervisors) confirms an implementation."))
        if implementation.status != ImplementationStatus.PENDING:
            raise RuleViolation(_("This implementation is confirmed already."))
        implementation.status, implementation.confirmed_by = ImplementationStatus.CONFIRMED, actor
        implementation.confirmed_at = timezone.now()
        implementation.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record_audit(actor=actor, action="industry.implementation_confirmed", target=implementation,
                     changes={"status": [ImplementationStatus.PENDING, ImplementationStatus.CONFIRMED]})
        notify(recipient=implementation.recorded_by, template="industry/implementation_confirmed",
               context={"implementation": implementation, "project": project},
               url=implementation.get_absolute_url())
    return implementation


def _other_side(project, organisation_id, side):
    if side == RecordedSide.SUPERVISORS:
        return list(selectors.representatives_of(organisation_id))
    return list(User.objects.filter(pk__in=project.supervisor_ids()))


# --- helpers --------------------------------------------------------------------------------
def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _full_clean(instance, *, exclude=(), errors=None) -> None:
    errors = dict(errors or {})
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _enqueue(task, *args) -> None:
    import logging

    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:  # broker down: the office can resend from the representatives page
        logging.getLogger(__name__).warning("Could not enqueue %s%s", task.name, args, exc_info=True)

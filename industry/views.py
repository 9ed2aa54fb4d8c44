"""Industry pages: thin views that parse a form, call one service, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marathon.models import Organisation
from marathon.uploads import serve_file
from projects import permissions as project_permissions
from projects.forms import ProjectForm

from . import permissions, selectors, services
from .forms import (
    ApplicationForm,
    ClaimForm,
    FeedbackForm,
    ImplementationForm,
    InternshipForm,
    InviteForm,
    MobilityLinkForm,
    RejectForm,
    TaskFilterForm,
    TaskForm,
)
from .models import (
    ApplicationStatus,
    CustomerRepresentative,
    Implementation,
    ImplementationStatus,
    InternshipApplication,
    RepresentativeStatus,
    TaskStatus,
)

PAGE_SIZE = 20


# --- dashboard and accounts -----------------------------------------------------------------
@login_required
def dashboard(request):
    """The customer's overview: tasks, adoptions, internships, followed projects, implementations."""
    overview = selectors.customer_overview(request.user)
    organisations = Organisation.objects.filter(pk__in=selectors.represented_organisation_ids(request.user))
    claims = CustomerRepresentative.objects.filter(user=request.user).exclude(
        status=RepresentativeStatus.APPROVED).select_related("organisation")
    return render(request, "industry/dashboard.html", {**overview, "organisations": organisations,
                                                       "claims": claims})


@login_required
def claim(request):
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(request, lambda: services.claim_organisation(
                organisation=form.cleaned_data["organisation"], actor=request.user, note=form.cleaned_data["note"]),
                _("Your claim has been sent to the programme office. You will be told when it is decided.")):
            return redirect("industry:dashboard")
    return render(request, "industry/claim_form.html", {"form": form})


@login_required
def invitation_accept(request, token):
    link = get_object_or_404(CustomerRepresentative.objects.select_related("organisation"), token=token)
    if request.method == "POST":
        if _run(request, lambda: services.accept_invitation(token=token, actor=request.user),
                _("You now represent %(org)s.") % {"org": link.organisation}):
            return redirect("industry:dashboard")
    return render(request, "industry/invitation_accept.html", {"link": link})


@login_required
def representatives(request):
    _require_office(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(request, lambda: services.invite_representative(actor=request.user, **form.cleaned_data),
                _("The invitation has been sent.")):
            return redirect("industry:representatives")
    page = Paginator(selectors.representative_list().exclude(status=RepresentativeStatus.PENDING),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "industry/representatives.html", {
        "form": form, "claims": selectors.pending_claims(), "page": page, "querystring": ""})


@login_required
@require_POST
def representative_decide(request, pk, action):
    _require_office(request.user)
    link = get_object_or_404(CustomerRepresentative, pk=pk)
    service = {"approve": services.approve_claim, "reject": services.reject_claim,
               "revoke": services.revoke_representative}.get(action)
    if service is None:
        raise Http404
    _run(request, lambda: service(link=link, actor=request.user), _("Saved."))
    return redirect("industry:representatives")


# --- research tasks -------------------------------------------------------------------------
@login_required
def task_catalogue(request):
    if not (permissions.is_academic(request.user) or permissions.is_office(request.user)
            or selectors.represented_organisation_ids(request.user)):
        raise PermissionDenied(_("The task catalogue is for professors, researchers and customers."))
    form = TaskFilterForm(request.GET or None)
    tasks = selectors.task_catalogue(request.user)
    if form.is_valid():
        data = form.cleaned_data
        for name in ("area", "organisation"):
            if data[name]:
                tasks = tasks.filter(**{name: data[name]})
        if data["edition"]:
            tasks = tasks.filter(desired_edition=data["edition"])
        if data["confidentiality"]:
            tasks = tasks.filter(confidentiality=data["confidentiality"])
        if data["open_only"]:
            tasks = tasks.filter(adoption_count__lt=F("max_adoptions"))
        tasks = selectors.search_tasks(tasks, data["q"])
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "industry/task_list.html", {"form": form, "page": page,
                                                       "querystring": params.urlencode()})


@login_required
def task_new(request):
    organisations = _organisations_for(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only customer representatives can submit research tasks."))
    form = TaskForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.submit_task(actor=request.user, organisation=form.cleaned_data["organisation"],
                                        data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your research task has been sent to the programme office for review."))
            return redirect(task)
    return render(request, "industry/task_form.html", {"form": form})


@login_required
def task_review(request):
    _require_office(request.user)
    page = Paginator(selectors.task_review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "industry/task_review.html", {"page": page, "querystring": "",
                                                         "reject_form": RejectForm()})


@login_required
def task_detail(request, pk):
    task = selectors.task_detail(request.user, pk)
    user = request.user
    return render(request, "industry/task_detail.html", {
        "task": task,
        "can_manage": permissions.can_manage_task(user, task),
        "can_decide": permissions.is_office(user) and task.status == TaskStatus.SUBMITTED,
        "can_adopt": (project_permissions.can_propose(user) and task.status == TaskStatus.APPROVED
                      and task.places_left > 0),
        "reject_form": RejectForm(),
    })


@login_required
@require_POST
def task_approve(request, pk):
    task = selectors.task_detail(request.user, pk)
    _run(request, lambda: services.approve_task(task=task, actor=request.user),
         _("The task has been approved and is now in the catalogue."))
    return redirect("industry:task_review" if request.POST.get("next") == "review" else task)


@login_required
@require_POST
def task_reject(request, pk):
    task = selectors.task_detail(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the rejection."))
    else:
        _run(request, lambda: services.reject_task(task=task, actor=request.user, reason=form.cleaned_data["reason"]),
             _("The task has been rejected."))
    return redirect("industry:task_review" if request.POST.get("next") == "review" else task)


@login_required
def task_adopt(request, pk):
    """The project proposal form, prefilled from the task; saving creates the linked draft."""
    task = selectors.task_detail(request.user, pk)
    if not project_permissions.can_propose(request.user):
        raise PermissionDenied(_("Only professors and researchers can adopt tasks."))
    initial = services.project_data_from_task(task)
    initial = {k: (v.pk if hasattr(v, "pk") else v) for k, v in initial.items()}
    form = ProjectForm(request.POST or None, initial=initial, user=request.user)
    form.fields["customer"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            adoption = services.adopt_task(task=task, actor=request.user, project_data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your project proposal has been saved as a draft, linked to the task."))
            return redirect(adoption.project)
    return render(request, "industry/task_adopt.html", {"form": form, "task": task})


# --- internships ----------------------------------------------------------------------------
@login_required
def internship_list(request):
    internships = selectors.with_internship_list_data(selectors.internships_visible_to(request.user))
    if request.GET.get("mine") and selectors.represented_organisation_ids(request.user):
        internships = internships.filter(organisation_id__in=selectors.represented_organisation_ids(request.user))
    elif not permissions.is_office(request.user):
        internships = internships.filter(deadline__gte=timezone.localdate())
    page = Paginator(internships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "industry/internship_list.html", {
        "page": page, "querystring": "", "can_offer": _organisations_for(request.user).exists()})


@login_required
def internship_new(request):
    organisations = _organisations_for(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only customer representatives can offer internships."))
    form = InternshipForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            internship = services.create_internship(
                actor=request.user, organisation=form.cleaned_data["organisation"], data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your internship offer is published."))
            return redirect(internship)
    return render(request, "industry/internship_form.html", {"form": form})


@login_required
def internship_detail(request, pk):
    internship = get_object_or_404(selectors.with_internship_list_data(
        selectors.internships_visible_to(request.user)), pk=pk)
    user = request.user
    can_manage = permissions.can_manage_internship(user, internship)
    own = InternshipApplication.objects.filter(internship=internship, student=user).first()
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.apply_for_internship(internship=internship, actor=user,
                                              motivation=form.cleaned_data["motivation"], cv=form.cleaned_data["cv"])
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your application has been sent."))
                return redirect(internship)
    return render(request, "industry/internship_detail.html", {
        "internship": internship, "can_manage": can_manage, "own_application": own,
        "can_apply": permissions.is_student(user) and own is None and internship.is_open(),
        "form": form,
        "applications": selectors.applications_of_internship(internship) if can_manage else [],
    })


@login_required
def my_applications(request):
    applications = (InternshipApplication.objects.filter(student=request.user)
                    .select_related("internship__organisation").order_by("-created_at"))
    return render(request, "industry/application_list.html", {"applications": applications})


@login_required
def application_detail(request, pk):
    application = _get_application(request.user, pk)
    user = request.user
    mobilities = None
    if application.student_id == user.pk and application.status == ApplicationStatus.ACCEPTED:
        from mobility.models import Mobility, MobilityStatus

        mobilities = Mobility.objects.filter(participant=user, status=MobilityStatus.DRAFT).select_related(
            "host_university")
    return render(request, "industry/application_detail.html", {
        "application": application, "internship": application.internship,
        "can_manage": permissions.can_manage_internship(user, application.internship),
        "link_form": MobilityLinkForm(mobilities=mobilities) if mobilities else None,
    })


@login_required
@require_POST
def application_decide(request, pk, action):
    application = _get_application(request.user, pk)
    service = {"shortlist": services.shortlist_application, "accept": services.accept_application,
               "decline": services.decline_application}.get(action)
    if service is None:
        raise Http404
    labels = {"shortlist": _("The application is on the shortlist."),
              "accept": _("The applicant has been accepted."), "decline": _("The application has been declined.")}
    _run(request, lambda: service(application=application, actor=request.user), labels[action])
    if request.POST.get("next") == "internship":
        return redirect(application.internship)
    return redirect(application)


@login_required
@require_POST
def application_link_mobility(request, pk):
    from mobility.models import Mobility

    application = _get_application(request.user, pk)
    form = MobilityLinkForm(request.POST, mobilities=Mobility.objects.filter(participant=request.user))
    if form.is_valid():
        _run(request, lambda: services.link_internship_to_mobility(
            application=application, mobility=form.cleaned_data["mobility"], actor=request.user),
            _("The mobility application now uses the internship site for the grant estimate."))
    else:
        messages.error(request, _("Choose one of your mobility applications."))
    return redirect(application)


@login_required
def application_cv(request, pk):
    application = _get_application(request.user, pk)
    return serve_file(application.cv, filename=application.cv_name, content_type="application/pdf")


def _get_application(user, pk) -> InternshipApplication:
    """The one scoped lookup: 404 for anyone but the student, the customer and the office."""
    return get_object_or_404(selectors.applications_visible_to(user).select_related(
        "internship__organisation", "student__university", "mobility"), pk=pk)


# --- following commissioned work ------------------------------------------------------------
@login_required
def project_follow(request, pk):
    project = selectors.followed_project(request.user, pk)
    user = request.user
    feedback_form = FeedbackForm(request.POST if request.POST.get("form") == "feedback" else None)
    implementation_form = ImplementationForm(request.POST if request.POST.get("form") == "implementation" else None,
                                             request.FILES or None)
    if request.method == "POST" and request.POST.get("form") == "feedback" and feedback_form.is_valid():
        if _run(request, lambda: services.give_feedback(project=project, actor=user,
                                                        text=feedback_form.cleaned_data["text"]),
                _("Your feedback has been sent to the supervisors.")):
            return redirect("industry:project_follow", pk=pk)
    if (request.method == "POST" and request.POST.get("form") == "implementation"
            and implementation_form.is_valid()):
        try:
            services.record_implementation(project=project, actor=user, data=implementation_form.service_data(),
                                           evidence=implementation_form.cleaned_data.get("evidence_file"))
        except ValidationError as exc:
            _add_errors(implementation_form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The implementation has been recorded; the other side will confirm it."))
            return redirect("industry:project_follow", pk=pk)
    side = services.side_of(user, project, project.customer_organisation_id)
    implementations = list(selectors.implementations_of(project))
    for implementation in implementations:
        implementation.can_confirm = (side is not None and side != implementation.recorded_side
                                      and implementation.status == ImplementationStatus.PENDING)
    return render(request, "industry/project_follow.html", {
        "project": project, "adoption": getattr(project, "task_adoption", None),
        "members": list(project.team.memberships.all()) if _has_team(project) else [],
        "milestones": selectors.milestones_of(project),
        "outcomes": selectors.published_outcomes_of(project),
        "feedback": project.customer_feedback.select_related("author"),
        "implementations": implementations,
        "is_customer": side == "customer", "side": side,
        "feedback_form": feedback_form, "implementation_form": implementation_form,
    })


def _has_team(project) -> bool:
    try:
        return project.team is not None
    except project.__class__.team.RelatedObjectDoesNotExist:
        return False


@login_required
@require_POST
def implementation_confirm(request, pk):
    implementation = get_object_or_404(selectors.implementations_visible_to(request.user), pk=pk)
    _run(request, lambda: services.confirm_implementation(implementation=implementation, actor=request.user),
         _("The implementation is confirmed and counts in the statistics."))
    return redirect("industry:project_follow", pk=implementation.project_id)


@login_required
def implementation_evidence(request, pk):
    implementation = get_object_or_404(selectors.implementations_visible_to(request.user).filter(
        ~Q(evidence_file="")), pk=pk)
    return serve_file(implementation.evidence_file, filename=implementation.evidence_name,
                      content_type=implementation.evidence_type)


@login_required
def implementation_list(request):
    implementations = selectors.implementations_visible_to(request.user).order_by("-implemented_on", "-pk")
    page = Paginator(implementations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "industry/implementation_list.html", {"page": page, "querystring": "",
                                                                 "model": Implementation})


# --- helpers --------------------------------------------------------------------------------
def _organisations_for(user):
    if permissions.is_office(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=selectors.represented_organisation_ids(user))


def _require_office(user):
    if not permissions.is_office(user):
        raise PermissionDenied(_("Only the programme office can do this."))


def _run(request, action, success_message) -> bool:
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return False
    messages.success(request, success_message)
    return True


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)

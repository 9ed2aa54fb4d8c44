"""Core pages: home, profile, inbox, health check."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import health
from .dashboard import cards_for
from .forms import EditionDatesForm, ProfileForm
from .models import Edition, User
from .services import mark_notifications_read, set_preferred_language, update_edition_dates, update_profile

logger = logging.getLogger(__name__)


def home(request):
    edition = Edition.objects.current()
    return render(request, "marathon/home.html", {
        "edition": edition,
        "timeline": edition.timeline() if edition else [],
        "cards": cards_for(request.user, edition),
    })


@login_required
def profile(request):
    # The form validates on its own copy (validation writes the new values onto its instance);
    # the service gets an untouched copy so the audit entry records before -> after.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        update_profile(user=User.objects.get(pk=request.user.pk), actor=request.user,
                       data={name: form.cleaned_data[name] for name in form.Meta.fields})
        messages.success(request, _("Your profile has been saved."))
        return remember_language(redirect("profile"), form.cleaned_data["preferred_language"])
    return render(request, "marathon/profile.html", {"form": form})


@require_POST
def set_language(request):
    """The language switcher: Django's set_language (cookie, redirect to `next`), and for a
    logged-in person the choice is stored on the profile, so e-mails, notifications and exports
    follow it too."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        set_preferred_language(user=request.user, language=language)
    return response


def remember_language(response, language: str):
    """Keep the language cookie in step with the profile (it still speaks after logging out)."""
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response


@login_required
def inbox(request):
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "marathon/notification_list.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    count = mark_notifications_read(user=request.user, ids=ids)
    messages.info(request, ngettext("%(count)d notification marked as read.",
                                    "%(count)d notifications marked as read.", count) % {"count": count})
    return redirect("inbox")


@never_cache
def healthz(request):
    """Liveness: the database answers and, when configured, Redis (cheap: no migration plan)."""
    return _health_response(health.liveness())


@never_cache
def readyz(request):
    """Readiness: database, Redis, the file storage, and migrations applied (checked once)."""
    return _health_response(health.readiness())


def _health_response(checks: dict) -> JsonResponse:
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks},
                        status=200 if healthy else 503)


def _require_office(user) -> None:
    if not user.is_staff:
        raise PermissionDenied


@login_required
def edition_list(request):
    """The programme office: every edition with its phase today and its dates."""
    _require_office(request.user)
    return render(request, "marathon/edition_list.html", {"editions": Edition.objects.order_by("-year")})


@login_required
def edition_dates(request, pk):
    """The programme office moves an edition's phase dates (e.g. reopens the proposal window)."""
    _require_office(request.user)
    edition = get_object_or_404(Edition, pk=pk)
    form = EditionDatesForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            update_edition_dates(edition=edition, actor=request.user, dates=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The dates of %(edition)s are saved.") % {"edition": edition.title})
            return redirect("edition_list")
    return render(request, "marathon/edition_dates.html", {"edition": edition, "form": form})

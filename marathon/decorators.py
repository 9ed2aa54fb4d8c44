"""View decorators shared by the apps."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def office_required(view=None, *, message=None):
    """Pages of the programme office (staff): others are asked to log in, or get 403 with
    `message`. Use bare (`@office_required`) or with a message of the app's own
    (`office_required(message=...)` returns the decorator)."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.is_staff:
                raise PermissionDenied(message or _("Only the programme office can see this page."))
            return view(request, *args, **kwargs)
        return wrapper

    return decorate(view) if view is not None else decorate

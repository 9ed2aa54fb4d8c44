from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class StaffTwoFactorMiddleware:
    """Staff (the programme office) must have TOTP set up before using the portal.

    allauth's MFA makes two-factor available; this makes it mandatory for staff when
    MFA_REQUIRED_FOR_STAFF is on (the default whenever DEBUG is off).
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None and user.is_authenticated and user.is_staff
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not user.authenticator_set.exists()
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


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


def requested_language(value: str | None) -> str | None:
    """The supported language code for `value` ("de", "de-AT", "es_ES"...), or None."""
    if not value:
        return None
    try:
        return translation.get_supported_language_variant(value.strip().replace("_", "-").lower())
    except LookupError:
        return None


class UserLanguageMiddleware:
    """Speak the reader's language, after LocaleMiddleware's guess (cookie, Accept-Language):

    1. `?lang=de` on any URL (documented for the API);
    2. for the API, an explicit `Accept-Language` header — a client asks for what it wants;
    3. the language stored on a logged-in person's profile (the switcher stores it there), so
       the portal speaks it on every device from the first page after login.
    Runs after AuthenticationMiddleware; LocaleMiddleware's response hook then sets
    Content-Language from the language activated here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.language_for(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)

    @staticmethod
    def language_for(request) -> str | None:
        language = requested_language(request.GET.get("lang"))
        if language:
            return language
        if request.path.startswith("/api/") and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            return None  # LocaleMiddleware already chose from the header
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return requested_language(user.preferred_language)
        return None

import logging

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

logger = logging.getLogger(__name__)


class StaffTwoFactorMiddleware:
    """Staff (the programme office) must have TOTP set up before using the portal.

    allauth's MFA makes two-factor available; this makes it mandatory for staff when
    MFA_REQUIRED_FOR_STAFF is on (the default whenever DEBUG is off).
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/readyz", "/api/")

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


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, for sessions signed in before the portal's backends cached the user
    (`marathon.auth_backends`): their backend path is mapped to the cached one, so nobody is
    logged out by the change. Django's `get_user` still does all the checking."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))


def get_user(request):
    backend = request.session.get(BACKEND_SESSION_KEY)
    if backend in settings.LEGACY_AUTHENTICATION_BACKENDS:
        request.session[BACKEND_SESSION_KEY] = settings.LEGACY_AUTHENTICATION_BACKENDS[backend]
    return auth_middleware.get_user(request)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's, without rebuilding the same headers from settings on every response (two
    `asdict` + `build_policy`: ~10 % of a bare authenticated request, issue 18).

    A response with its own policy (`@csp_update` & co. set `_csp_*` on it) or a request that used
    a nonce goes through django-csp unchanged; every other response gets the header built from the
    settings, once per settings object (a test's override builds it anew)."""

    PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace",
                    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
    HEADERS = ((HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
               (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True))
    _built: dict = {}

    def process_response(self, request, response):
        if (getattr(request, "_csp_nonce", None) is not None
                or any(getattr(response, name, None) is not None for name in self.PER_RESPONSE)
                or (settings.DEBUG and response.status_code in (404, 500))):
            return super().process_response(request, response)
        for header, setting, exempt, report_only in self.HEADERS:
            config = getattr(settings, setting, None)
            policy = self.policy_from(setting, config, report_only)
            excluded = request.path_info.startswith(tuple((config or {}).get("EXCLUDE_URL_PREFIXES") or ()))
            if policy and header not in response and getattr(response, exempt, False) is False and not excluded:
                response[header] = policy
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @classmethod
    def policy_from(cls, setting: str, config, report_only: bool) -> str:
        built = cls._built.get(setting)
        if built is None or built[0] is not config:
            built = cls._built[setting] = (config, build_policy(report_only=report_only))
        return built[1]


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def api_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": {}}, status=status)


class RequestSizeLimitMiddleware:
    """Refuse an over-long body from its declared Content-Length, before anything reads it.

    Uploads (multipart) may carry a file of UPLOAD_MAX_BYTES plus the other form fields
    (REQUEST_MAX_BYTES); any other body (JSON, forms) at most DATA_UPLOAD_MAX_MEMORY_SIZE. Without
    this, a 200 MB upload is received in full before the upload check refuses it, and DRF's JSON
    parser reads any size. Bodies without a Content-Length (chunked) are not read by Django's WSGI
    handler at all. Runs first, so no middleware (CSRF reads POST) touches the body before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django itself treats a malformed length as no body
        limit = self.limit_for(request)
        if length > limit:
            logger.warning("Request body too large: %s bytes declared for %s (limit %s).",
                           length, request.path, limit)
            message = _("The request is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
            if is_api_path(request.path):
                return api_error(message, 413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def limit_for(request) -> int:
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            return settings.REQUEST_MAX_BYTES
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


# Django's own error pages (unknown URL, wrong method, suspicious or malformed request, a crash)
# are HTML; under /api/ they become the API's one error shape.
API_ERROR_MESSAGES = {
    400: _lazy("Bad request."),
    401: _lazy("Authentication credentials were not provided."),
    403: _lazy("You do not have permission to perform this action."),
    404: _lazy("Not found."),
    405: _lazy("Method not allowed."),
    413: _lazy("The request is too large."),
    500: _lazy("Server error."),
}


class ApiJsonErrorsMiddleware:
    """Every error answer under /api/ is JSON `{"detail": ..., "errors": {}}` (DRF's views
    already answer so; this covers what Django answers before or around them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            is_api_path(request.path) and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = API_ERROR_MESSAGES.get(response.status_code) or response.reason_phrase
            json_response = api_error(str(detail), response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response


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

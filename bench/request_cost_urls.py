"""The portal's URLs plus one bare authenticated view, so `bench/request_cost.py` can measure what
the middleware stack, the session and the user load cost on their own (no template, no query of
the view's). Used only by `tests/bench/test_request_cost.py` (ROOT_URLCONF override)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from marathon.urls import urlpatterns as portal_urlpatterns


@login_required
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]

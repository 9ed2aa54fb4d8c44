"""Worker memory (bench/README.md, "Round 3"): a rendered API response is freed by reference
counting, not left in a cycle for Python's rare full collection; the deploy config preloads."""

import gc
import runpy
import weakref
from pathlib import Path

import pytest
from rest_framework import renderers, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marathon.renderers import JSONRenderer


class Row(serializers.Serializer):
    n = serializers.IntegerField()


class Big(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response({"rows": Row([{"n": i} for i in range(1000)], many=True).data})


@pytest.fixture
def no_collector():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def rendered(view, rf, accept="application/json"):
    response = view(rf.get("/big/", HTTP_ACCEPT=accept))
    response.render()
    return response


def test_rendered_response_is_freed_without_the_cycle_collector(rf, no_collector):
    response = rendered(Big.as_view(renderer_classes=[JSONRenderer]), rf)
    assert response.status_code == 200 and response.data["rows"][999] == {"n": 999}  # data stays readable
    freed = weakref.ref(response)
    del response
    assert freed() is None


def test_drf_renderer_alone_leaves_the_response_in_a_cycle(rf, no_collector):
    response = rendered(Big.as_view(renderer_classes=[renderers.JSONRenderer]), rf)
    kept = weakref.ref(response)
    del response
    assert kept() is not None
    gc.collect()
    assert kept() is None


def test_browsable_api_still_renders_through_the_json_renderer(rf):
    view = Big.as_view(renderer_classes=[JSONRenderer, renderers.BrowsableAPIRenderer])
    response = rendered(view, rf, accept="text/html")
    assert response.status_code == 200 and b"&quot;n&quot;: 999" in response.content


def test_default_renderer_is_the_cycle_free_one(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"][0] == "marathon.renderers.JSONRenderer"


def test_gunicorn_config_preloads_and_recycles(monkeypatch):
    for name in ("GUNICORN_PRELOAD", "GUNICORN_MAX_REQUESTS", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"))
    gc.enable()  # the config turns the collector off until the master has imported the portal
    assert (config["preload_app"], config["max_requests"], config["max_requests_jitter"]) == (True, 2000, 200)
    assert (config["workers"], config["threads"]) == (2, 2)
    assert callable(config["when_ready"]) and callable(config["pre_fork"])

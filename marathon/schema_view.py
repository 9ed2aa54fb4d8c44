"""The OpenAPI document's view (apart from `api_schema`, which drf-spectacular's views import)."""

import threading

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, generated and rendered once per process, language, API version and
    format. Generating it walks every endpoint's serializers (seconds of CPU at the portal's
    size) and it changes only with a deploy; the view is public, so without this every anonymous
    request to /api/schema/ would cost that again."""

    _rendered: dict[tuple, tuple[bytes, str, str]] = {}
    _lock = threading.Lock()

    @extend_schema(**SCHEMA_KWARGS)  # as the parent's: not an operation of the API itself
    def get(self, request, *args, **kwargs):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, request.accepted_renderer.format)
        cached = self._rendered.get(key)
        if cached is None:
            with self._lock:  # one generation per key, not one per waiting thread
                cached = self._rendered.get(key)
                if cached is None:
                    response = self._get_schema_response(request)
                    response.accepted_renderer = request.accepted_renderer
                    response.accepted_media_type = request.accepted_media_type
                    response.renderer_context = self.get_renderer_context()
                    response.render()
                    cached = (response.content, response["Content-Type"], response["Content-Disposition"])
                    self._rendered[key] = cached
        content, content_type, disposition = cached
        return HttpResponse(content, content_type=content_type, headers={"Content-Disposition": disposition})


@receiver(setting_changed)
def _forget_rendered_schemas(**kwargs):
    """Tests that override settings (URLconf, languages, drf-spectacular's) see a fresh schema."""
    SchemaView._rendered.clear()

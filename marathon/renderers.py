"""The API's JSON renderer (its own module: DRF's views import the renderer classes named in the
settings when they load, so this module must not import them)."""

from rest_framework import renderers, serializers


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer that, once the bytes exist, cuts the reference cycles DRF leaves
    behind (encode/django-rest-framework#5826, #7250): `renderer_context` is the response's own
    dict and holds the response itself and the view, whose `.response` points back (and the
    view is in a cycle with its request anyway); `serializer.data` points back to its serializer.
    In a cycle, a response and all it holds — the unpickled results of 1,500 projects, the
    rendered megabyte — waits for Python's full collection, which runs seldom in a big process:
    a gunicorn worker grew ~4 MB per chair's results request until one ran (bench/README.md,
    "Round 3"). Without the cycles they are freed by reference counting once the response is
    sent. Nothing reads them after rendering (`response.data` stays, for tests)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        content = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if getattr(response, "accepted_renderer", None) is not self:
            return content  # called by another renderer (the browsable API's), which goes on
        view = renderer_context.get("view")
        if getattr(view, "response", None) is response:
            del view.response  # the view stays in a cycle with its request, without the response
        renderer_context.clear()
        for value in (data, *(data.values() if isinstance(data, dict) else ())):
            if isinstance(value, serializers.ReturnDict | serializers.ReturnList):
                value.serializer = None
        return content

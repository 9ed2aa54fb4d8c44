"""The OpenAPI schema class: drf-spectacular's, plus every operation's error answers."""

from drf_spectacular.openapi import AutoSchema as _SpectacularAutoSchema
from rest_framework import permissions, serializers

from .api_support import ErrorSerializer


class AutoSchema(_SpectacularAutoSchema):
    """drf-spectacular's schema plus the error answers every operation can give, in the one
    error shape: 400 (input: a body or query parameters), 401/403 (authentication and
    permission, unless the view is public), 404 (unknown ids, a page past the end), 405 for a
    workflow step the method does not allow, 409 (a rule refused the change in this state) and
    429 (throttled). Operations that declare a code keep their own description."""

    def _error_codes(self) -> list[str]:
        codes = {"400", "404"}
        if self.method != "GET":
            codes.add("409")
        public = any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        if not public:
            codes |= {"401", "403"}
        if getattr(self.view, "throttle_scope", None) or self.view.get_throttles():
            codes.add("429")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """What DRF enforces and drf-spectacular leaves out: a non-empty list (`allow_empty=False`)
        and a decimal string with at least one digit (no sign when the minimum is not negative)."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer | serializers.ListField) \
                and not getattr(field, "allow_empty", True) and schema.get("type") == "array":
            schema.setdefault("minItems", 1)
        if isinstance(field, serializers.DecimalField) and schema.get("type") == "string" and field.max_digits:
            whole = field.max_digits - (field.decimal_places or 0)
            sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
            fraction = rf"(?:\.\d{{0,{field.decimal_places}}})?" if field.decimal_places else ""
            schema["pattern"] = rf"^{sign}\d{{1,{whole}}}{fraction}$"
        return schema

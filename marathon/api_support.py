"""Shared API plumbing: the one error format, pagination, and helpers for workflow endpoints."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import RuleViolation


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class FirstPageCountPaginator(Paginator):
    """Django's, except that a first page which is not full counts its own rows instead of
    running the COUNT query: a filtered search mostly fits on one page, and the COUNT (the
    filters' joins planned and run a second time) was a third of such a request's SQL. The page
    is read with the same LIMIT as before; a full first page and other pages count as usual."""

    def page(self, number):
        if str(number) != "1" or "count" in self.__dict__ or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) == self.per_page:
            return self._get_page(rows, 1, self)  # more may follow: `count` queries when read
        if not rows and not self.allow_empty_first_page:
            return super().page(number)
        self.count = len(rows)
        return self._get_page(rows, 1, self)


class CountFromFirstPagePagination(PageNumberPagination):
    """The API pages, with `FirstPageCountPaginator`: the same bodies, one query fewer when the
    results fit on the first page (so a list's query count is constant up to one page)."""

    django_paginator_class = FirstPageCountPaginator


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def validation_error_to_dict(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def _message(value) -> str:
    if isinstance(value, dict):
        for item in value.values():
            return _message(item)
    if isinstance(value, list | tuple):
        return _message(value[0]) if value else ""
    return str(value)


def exception_handler(exc, context):
    """Every 4xx is `{"detail": "...", "errors": {field: [...]}}`."""
    if isinstance(exc, RuleViolation):
        errors = validation_error_to_dict(exc)
        exc = Conflict(detail=_message(errors))
        exc.field_errors = errors
    elif isinstance(exc, DjangoValidationError):
        errors = validation_error_to_dict(exc)
        exc = exceptions.ValidationError(detail=errors)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        errors = {key: value if isinstance(value, list) else [value] for key, value in errors.items()}
        detail = _message(errors) or "Invalid input."
        field = next(iter(errors), "")
        if field and field != "non_field_errors":
            detail = f"{field}: {detail}"
        response.data = {"detail": detail, "errors": errors}
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else _message(data)
        response.data = {"detail": str(detail), "errors": getattr(exc, "field_errors", {})}
    return response


class ErrorSerializer(serializers.Serializer):
    """Documents the error shape in the OpenAPI schema."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="Messages per field; a nested field (a list of objects) has its own errors per item.")


def add_language_parameters(result, generator, request, public):
    """drf-spectacular hook: every operation answers in the caller's language, chosen by
    `?lang=` or the `Accept-Language` header (messages, errors and translated reference data)."""
    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES]
    parameters = [
        {"in": "query", "name": "lang", "required": False, "schema": {"type": "string", "enum": codes},
         "description": "Language of the answer: translated names (areas, editions, criteria, rate "
                        "tables; English where a translation is missing) and messages. Wins over "
                        "Accept-Language."},
        {"in": "header", "name": "Accept-Language", "required": False, "schema": {"type": "string"},
         "description": f"Preferred languages (RFC 9110), e.g. `de, en;q=0.5`; supported: {', '.join(codes)}."},
    ]
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            existing = {(p.get("in"), p.get("name")) for p in operation.get("parameters", [])}
            operation.setdefault("parameters", []).extend(
                dict(p) for p in parameters if (p["in"], p["name"]) not in existing)
    return result

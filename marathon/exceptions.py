"""Exceptions services raise; views turn them into form errors, the API into 4xx JSON."""

from django.core.exceptions import ValidationError


class RuleViolation(ValidationError):
    """A business rule refused the change because of the current state (HTTP 409).

    It is a ValidationError, so forms show it like any other error.
    """

"""`manage.py check --deploy` fails when certificates could not be signed in production."""

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    from .signing import key_configured, keyring

    if not key_configured():
        return [Error("No certificate signing key is configured.",
                      hint="Set CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE (Ed25519 private key).",
                      id="certificates.E001")]
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="certificates.E002")]
    return []

"""Ed25519 signatures over canonical JSON (RFC 8785 JCS), the programme's keys and key rotation.

The signing key comes from CERTIFICATE_SIGNING_KEY (PEM, or base64 of the PEM or of the 32 raw
bytes) or CERTIFICATE_SIGNING_KEY_FILE; CERTIFICATE_VERIFY_KEYS holds earlier public keys so
certificates signed before a rotation still verify. With DEBUG on and no key, a development key
is generated under var/; with DEBUG off and no key, signing fails with a clear message (and
`check --deploy` reports it)."""

import base64
import hashlib
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_PATH = Path(settings.BASE_DIR) / "var" / "certificate-signing-key.pem"


# --- canonical JSON (RFC 8785) ---------------------------------------------------------------
def canonical_json(value) -> str:
    """JCS: keys sorted by UTF-16 code units, no whitespace, ES6 number form, UTF-8 text."""
    return _jcs(value)


def _jcs(value) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("JCS cannot represent NaN or infinity.")
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(f"{json.dumps(key, ensure_ascii=False)}:{_jcs(value[key])}" for key in keys) + "}"
    raise TypeError(f"Cannot put {type(value).__name__} into canonical JSON.")


# --- base58btc multibase ---------------------------------------------------------------------
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


ED25519_MULTICODEC = b"\xed\x01"


def public_multibase(public: Ed25519PublicKey) -> str:
    return "z" + b58encode(ED25519_MULTICODEC + raw_public(public))


def public_from_multibase(value: str) -> Ed25519PublicKey:
    raw = b58decode(value[1:])
    if not value.startswith("z") or not raw.startswith(ED25519_MULTICODEC):
        raise ValueError("Not an Ed25519 multibase key.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# --- keys ------------------------------------------------------------------------------------
def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public: Ed25519PublicKey) -> str:
    """The fingerprint of the public key: what a certificate names as the key that signed it."""
    return "ed25519-" + hashlib.sha256(raw_public(public)).hexdigest()[:16]


def did_key(public: Ed25519PublicKey) -> str:
    return f"did:key:{public_multibase(public)}"


def _parse_private(text: str | bytes) -> Ed25519PrivateKey:
    data = text.encode() if isinstance(text, str) else text
    data = data.strip()
    if not data.startswith(b"-----"):
        data = base64.b64decode(data)
        if len(data) == 32:
            return Ed25519PrivateKey.from_private_bytes(data)
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The certificate signing key must be an Ed25519 key.")
    return key


def _parse_public(text: str) -> Ed25519PublicKey:
    text = text.strip()
    if text.startswith("z"):
        return public_from_multibase(text)
    data = text.encode()
    if not data.startswith(b"-----"):
        data = base64.b64decode(data)
        if len(data) == 32:
            return Ed25519PublicKey.from_public_bytes(data)
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured("CERTIFICATE_VERIFY_KEYS must hold Ed25519 public keys.")
    return key


def key_configured() -> bool:
    return bool(getattr(settings, "CERTIFICATE_SIGNING_KEY", "")
                or getattr(settings, "CERTIFICATE_SIGNING_KEY_FILE", ""))


def _load_signing_key() -> Ed25519PrivateKey:
    text = getattr(settings, "CERTIFICATE_SIGNING_KEY", "")
    path = getattr(settings, "CERTIFICATE_SIGNING_KEY_FILE", "")
    try:
        if text:
            return _parse_private(text)
        if path:
            return _parse_private(Path(path).read_bytes())
    except (ValueError, OSError) as exc:
        raise ImproperlyConfigured(f"The certificate signing key cannot be read: {exc}") from exc
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "Set CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE (an Ed25519 private key) "
            "to issue certificates; a development key is generated only when DEBUG is on.")
    return _development_key()


def _development_key() -> Ed25519PrivateKey:
    if not DEV_KEY_PATH.exists():
        DEV_KEY_PATH.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        DEV_KEY_PATH.write_bytes(pem)
        DEV_KEY_PATH.chmod(0o600)
    return _parse_private(DEV_KEY_PATH.read_bytes())


@dataclass(frozen=True)
class KeyRing:
    signing: Ed25519PrivateKey
    signing_id: str
    public: dict  # key id -> Ed25519PublicKey (current and earlier keys)


@cache
def _keyring(signing_text: str, signing_file: str, verify_text: str, debug: bool) -> KeyRing:
    signing = _load_signing_key()
    public = {key_id_of(signing.public_key()): signing.public_key()}
    for item in verify_text.replace(";", ",").split(","):
        if item.strip():
            key = _parse_public(item)
            public.setdefault(key_id_of(key), key)
    return KeyRing(signing=signing, signing_id=key_id_of(signing.public_key()), public=public)


def keyring() -> KeyRing:
    # Keyed by the settings, so tests that change them (rotation) get a fresh ring.
    return _keyring(getattr(settings, "CERTIFICATE_SIGNING_KEY", ""),
                    getattr(settings, "CERTIFICATE_SIGNING_KEY_FILE", ""),
                    getattr(settings, "CERTIFICATE_VERIFY_KEYS", ""), settings.DEBUG)


def public_key(key_id: str) -> Ed25519PublicKey | None:
    return keyring().public.get(key_id)


# --- signing ---------------------------------------------------------------------------------
def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(canonical: str) -> tuple[str, str]:
    """(signature as base64url, key id) of the canonical JSON text."""
    ring = keyring()
    return b64url(ring.signing.sign(canonical.encode("utf-8"))), ring.signing_id


def verify(canonical: str, signature: str, key_id: str) -> bool:
    """True when `signature` is the signature of exactly this text by a known key."""
    key = public_key(key_id)
    if key is None:
        return False
    try:
        key.verify(b64url_decode(signature), canonical.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True

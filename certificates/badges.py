"""Open Badges 3.0 / W3C Verifiable Credential export of a certificate, secured with a Data
Integrity proof of the `eddsa-jcs-2022` cryptosuite: JCS canonicalisation, SHA-256, Ed25519, the
proof value in multibase base58btc, the verification method a did:key of the signing key."""

import copy
import hashlib

from django.conf import settings
from django.urls import reverse

from . import labels, signing
from .models import Certificate

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def credential_document(certificate: Certificate) -> dict:
    """The unsigned credential: the certificate's signed data as the achievement's evidence."""
    data = certificate.data
    base = settings.SITE_URL
    roles = ", ".join(labels.role_label(role) for role in data["roles"])
    return {
        "@context": CONTEXTS,
        "id": data["verify_url"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Students Project Marathon {data['edition']['year']}: {roles}",
        "issuer": {"id": f"{base}/", "type": ["Profile"], "name": data["issuer"]["name"]},
        "validFrom": f"{data['issued_on']}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": data["participant"]["name"],
            "achievement": {
                "id": f"{base}{reverse('certificates:achievement', args=[data['edition']['year'], data['role']])}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": f"{data['edition']['title']} — {roles}",
                "description": "Participation in the international Students Project Marathon: "
                               + "; ".join(p["title"] for p in data["projects"]),
                "criteria": {"narrative": "Took part in a mixed international research team, as stated."},
            },
        },
        "evidence": [{"id": data["verify_url"], "type": ["Evidence"], "name": data["number"],
                      "description": certificate.canonical}],
        "credentialStatus": {"id": f"{base}{reverse('api:certificate-verify', args=[certificate.code])}",
                             "type": "1EdTechRevocationList"},
    }


def _hash_data(document: dict, proof_config: dict) -> bytes:
    return (hashlib.sha256(signing.canonical_json(proof_config).encode()).digest()
            + hashlib.sha256(signing.canonical_json(document).encode()).digest())


def signed_credential(certificate: Certificate) -> dict:
    document = credential_document(certificate)
    ring = signing.keyring()
    public = ring.signing.public_key()
    multibase = signing.public_multibase(public)
    proof_config = {
        "@context": document["@context"], "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
        "created": certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": f"did:key:{multibase}#{multibase}", "proofPurpose": "assertionMethod",
    }
    signature = ring.signing.sign(_hash_data(document, proof_config))
    return {**document, "proof": {**proof_config, "proofValue": "z" + signing.b58encode(signature)}}


def verify_credential(credential: dict) -> bool:
    """Check an eddsa-jcs-2022 proof (did:key verification method). False on any change."""
    try:
        credential = copy.deepcopy(credential)
        proof = credential.pop("proof")
        proof_value = proof.pop("proofValue")
        if proof.get("cryptosuite") != "eddsa-jcs-2022" or not proof_value.startswith("z"):
            return False
        if proof.get("@context") != credential.get("@context"):
            return False
        method = proof["verificationMethod"]
        key = signing.public_from_multibase(method.removeprefix("did:key:").split("#")[0])
        if signing.key_id_of(key) not in signing.keyring().public:
            return False  # well formed, but not signed by the programme
        key.verify(signing.b58decode(proof_value[1:]), _hash_data(credential, proof))
    except Exception:  # any malformed or altered credential simply does not verify
        return False
    return True

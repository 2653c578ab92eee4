"""The machine-verifiable side of a certificate: an Open Badges 3.0 credential (a W3C Verifiable
Credential of type OpenBadgeCredential) secured with a Data Integrity proof, cryptosuite
eddsa-jcs-2022 (Ed25519 over the JCS-canonical JSON), and the Bitstring Status List that says
which credentials are revoked.

Signing (W3C "Data Integrity EdDSA Cryptosuites v1.0", eddsa-jcs-2022):
  proofConfig = the proof options (+ the document's @context);
  hashData = SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof));
  proofValue = "z" + base58btc(Ed25519-sign(hashData)).
"""
from __future__ import annotations

import base64
import gzip
import hashlib
from datetime import datetime, timezone

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .keys import base58btc_decode, base58btc_encode

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"
# The status list spec asks for at least 131,072 entries (16 KiB) so one entry hides in the crowd.
STATUS_LIST_SIZE = 131_072


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# Proofs ---------------------------------------------------------------------------------

def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    config = dict(proof_options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(unsecured)).digest()


def add_proof(document: dict, key: Ed25519PrivateKey, verification_method: str, created: datetime) -> dict:
    """`document` with an eddsa-jcs-2022 DataIntegrityProof made with `key`."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": iso(created),
             "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    proof["proofValue"] = "z" + base58btc_encode(key.sign(_hash_data(unsecured, proof)))
    return {**unsecured, "proof": proof}


def verify_credential(document, public_key: Ed25519PublicKey) -> bool:
    """Whether `document` carries a valid eddsa-jcs-2022 proof by `public_key`. Never raises."""
    try:
        if not isinstance(document, dict):
            return False
        proof = document.get("proof")
        if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof" \
                or proof.get("cryptosuite") != CRYPTOSUITE or proof.get("proofPurpose") != "assertionMethod":
            return False
        value = proof.get("proofValue")
        if not isinstance(value, str) or not value.startswith("z"):
            return False
        signature = base58btc_decode(value[1:])
        if len(signature) != 64:
            return False
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        if "@context" in options:
            # The proof's contexts must open the document's, in order.
            context, doc_context = options["@context"], unsecured.get("@context")
            context = context if isinstance(context, list) else [context]
            doc_context = doc_context if isinstance(doc_context, list) else [doc_context]
            if doc_context[:len(context)] != context:
                return False
            unsecured["@context"] = options["@context"]
        public_key.verify(signature, _hash_data(unsecured, options))
        return True
    except (InvalidSignature, ValueError, TypeError, OverflowError, RecursionError):
        return False


# Documents ------------------------------------------------------------------------------

def open_badge(*, credential_id: str, issuer: dict, achievement_id: str, course_title: str,
               course_version: str, module_titles: list[str], learner_name: str, awarded_at: datetime,
               issued_at: datetime, status_url: str, status_index: int, criteria: str,
               edition: str | None = None) -> dict:
    """An unsigned OpenBadgeCredential for one certificate; `edition` (the course run) becomes the
    subject's `term`, the Open Badges 3.0 property for the period in which the achievement was earned."""
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificate: {course_title}",
        "description": "Completed every module of the course: " + "; ".join(module_titles) + ".",
        "issuer": issuer,
        "validFrom": iso(issued_at),
        "awardedDate": iso(awarded_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The learner has no identifier of their own; their printed name identifies them, unhashed.
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": learner_name}],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": course_title,
                "version": course_version,
                "description": "Self-paced course for public authorities in "
                               + str(len(module_titles)) + " modules: " + "; ".join(module_titles) + ".",
                "criteria": {"narrative": criteria},
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
    }
    if edition:
        document["credentialSubject"]["term"] = edition
    return document


def encode_status_list(revoked_indices) -> str:
    """The GZIP-compressed bitstring, multibase base64url (no padding); index 0 is the first byte's top bit."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in revoked_indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def status_list(*, list_url: str, issuer_url: str, revoked_indices, now: datetime) -> dict:
    """An unsigned BitstringStatusListCredential."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url,
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked_indices),
        },
    }


def is_flagged(status_list_document: dict, index: int) -> bool:
    """Whether entry `index` is set in a status list credential (what a verifier checks)."""
    encoded = status_list_document["credentialSubject"]["encodedList"]
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url")
    data = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))

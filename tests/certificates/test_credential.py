"""The Open Badges 3.0 credential: signed, checkable offline with the published key, revocable."""
from __future__ import annotations

import base64
import copy
import gzip
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rfc8785 import dumps as canonicalize
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sqlalchemy import select

from courseware.certificates import keys
from courseware.certificates.credential import add_proof, is_flagged, verify_credential
from courseware.certificates.models import Certificate
from courseware.config import read_or_create_secret
from courseware.extensions import db
from tests.certificates.helpers import pretend_earned


@pytest.fixture
def issued(learner, monkeypatch, signed_in):
    """The learner has claimed a certificate; returns (credential document, public key from /issuer)."""
    pretend_earned(monkeypatch)
    client = signed_in(learner)
    assert client.post("/certificate/").status_code == 302
    response = client.get("/certificate/credential")
    assert response.status_code == 200
    profile = client.get("/issuer").get_json()
    method = profile["verificationMethod"][0]
    return response.get_json(), keys.public_key_from_multikey(method["publicKeyMultibase"])


def test_credential_is_an_open_badge_with_a_valid_proof(issued, learner):
    document, public_key = issued
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "ob/v3p0" in document["@context"][1]
    assert document["issuer"]["id"] == "http://localhost/issuer"
    subject = document["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == learner.name
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["criteria"]["narrative"]
    assert document["id"].startswith("http://localhost/verify/")
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert document["proof"]["verificationMethod"] == "http://localhost/issuer#key-1"
    assert verify_credential(document, public_key)


@pytest.mark.parametrize("tamper", [
    lambda d: d["credentialSubject"]["identifier"][0].update(identityHash="Mallory Forger"),
    lambda d: d.update(validFrom="2001-01-01T00:00:00Z"),
    lambda d: d["credentialSubject"]["achievement"].update(name="A different course"),
    lambda d: d["proof"].update(created="2001-01-01T00:00:00Z"),
    lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-2] + "11"),
    lambda d: d.pop("credentialStatus"),
    lambda d: d.pop("proof"),
    lambda d: d["proof"].update(proofValue="not base58 0OIl"),
])
def test_a_tampered_credential_fails_verification(issued, tamper):
    document, public_key = issued
    forged = copy.deepcopy(document)
    tamper(forged)
    assert not verify_credential(forged, public_key)


def test_another_key_does_not_verify_the_credential(issued):
    document, _ = issued
    assert not verify_credential(document, Ed25519PrivateKey.generate().public_key())


def test_field_order_and_whitespace_do_not_matter(issued):
    """Does a verifier that re-serialises the JSON differently still get the same answer (JCS)?"""
    document, public_key = issued
    shuffled = json.loads(json.dumps(dict(reversed(list(document.items()))), indent=4))
    assert verify_credential(shuffled, public_key)


def test_credential_and_pdf_of_another_learner_are_404(client, issued, other_learner, signed_in):
    other = signed_in(other_learner)
    assert other.get("/certificate/credential").status_code == 404
    assert other.get("/certificate/download").status_code == 404
    assert client.get("/certificate/credential").status_code == 302  # anonymous: sign in first


def test_revocation_shows_in_the_signed_status_list(app, client, issued, admin, signed_in):
    document, public_key = issued
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    index = int(status["statusListIndex"])
    status_list = client.get(status["statusListCredential"]).get_json()
    assert verify_credential(status_list, public_key)
    assert not is_flagged(status_list, index)

    admin_client = signed_in(admin)
    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    response = admin_client.post(f"/admin/certificates/{certificate_id}/revoke",
                                 data={"reason": "Plagiarised assignment"})
    assert response.status_code == 302

    status_list = client.get(status["statusListCredential"]).get_json()
    assert verify_credential(status_list, public_key)
    assert is_flagged(status_list, index)
    assert _set_bits(status_list) == 1


def _set_bits(status_list: dict) -> int:
    encoded = status_list["credentialSubject"]["encodedList"][1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert len(bits) * 8 >= 131072
    return sum(bin(byte).count("1") for byte in bits)


def test_unknown_status_list_is_404(client):
    assert client.get("/credentials/status/2").status_code == 404


# The cryptosuite against the W3C test vector ------------------------------------------------

W3C_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_PROOF_VALUE = "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"


def test_signing_reproduces_the_w3c_eddsa_jcs_2022_test_vector():
    """Does our proof match the one in the W3C Data Integrity EdDSA specification, byte for byte?"""
    secret = keys.base58btc_decode(W3C_PRIVATE_KEY[1:])
    assert secret[:2] == b"\x80\x26"   # multicodec ed25519-priv
    key = Ed25519PrivateKey.from_private_bytes(secret[2:])
    assert keys.multikey(key.public_key()) == W3C_PUBLIC_KEY
    signed = add_proof(W3C_UNSIGNED, key, f"https://vc.example/issuers/5678#{W3C_PUBLIC_KEY}",
                       datetime(2023, 2, 24, 23, 36, 38, tzinfo=timezone.utc))
    assert signed["proof"]["proofValue"] == W3C_PROOF_VALUE
    assert verify_credential(signed, keys.public_key_from_multikey(W3C_PUBLIC_KEY))


def test_jcs_sorts_by_utf16_code_units_and_escapes_like_ecmascript():
    """Does the canonicaliser we sign with (the rfc8785 library) follow RFC 8785 section 3.2.3's sorting
    example, its string escaping and its number forms?"""
    value = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
             "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
             "\u00f6": "Latin Small Letter O With Diaeresis"}
    out = canonicalize(value).decode("utf-8")
    order = [out.index(json.dumps(v)) for v in ["Carriage Return", "One", "Control",
                                                "Latin Small Letter O With Diaeresis", "Euro Sign",
                                                "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"]]
    assert order == sorted(order)
    assert canonicalize({"b": [1, True, None, "é\n\u001f"], "a": 2.0}) == '{"a":2,"b":[1,true,null,"é\\n\\u001f"]}'.encode()
    assert canonicalize({"x": 0.5, "y": 1e21}) == b'{"x":0.5,"y":1e+21}'


# The key -------------------------------------------------------------------------------------

def test_signing_key_is_made_once_in_the_instance_folder(app, client, issued):
    path = Path(app.instance_path) / "signing_key.pem"
    assert path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    first = client.get("/issuer").get_json()
    from courseware import create_app
    again = create_app(dict(app.config, INSTANCE_PATH=app.instance_path))
    assert again.test_client().get("/issuer").get_json()["verificationMethod"] == first["verificationMethod"]


def test_workers_starting_together_agree_on_one_key(tmp_path):
    path = tmp_path / "signing_key.pem"
    results = []
    make = lambda: os.urandom(32).hex().encode()  # noqa: E731
    threads = [threading.Thread(target=lambda: results.append(read_or_create_secret(path, make))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1

"""The platform's Ed25519 signing key, kept in `<instance>/signing_key.pem`.

Generated once; several gunicorn workers starting together agree on one key because the file is
created atomically (see config.read_or_create_secret). Losing the file means earlier credentials can
no longer be checked against the published key, so back it up with the database.
"""
from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..config import read_or_create_secret
from ..core.site import Site

KEY_FILE = "signing_key.pem"
# Multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint), used by Multikey.
ED25519_PUB_PREFIX = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _new_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def signing_key(site: Site) -> Ed25519PrivateKey:
    """The site's key, read from its instance folder (created on first use) and kept for the site's life."""
    if "signing_key" not in site.cache:
        pem = read_or_create_secret(Path(site.instance_path) / KEY_FILE, _new_pem)
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError(f"{KEY_FILE} does not hold an Ed25519 private key")
        site.cache["signing_key"] = key
    return site.cache["signing_key"]


def public_key(site: Site) -> Ed25519PublicKey:
    return signing_key(site).public_key()


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _B58.find(char)
        if index < 0:
            raise ValueError("not base58btc")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multikey(key: Ed25519PublicKey) -> str:
    """The key as a Multikey `publicKeyMultibase` value ("z6Mk...")."""
    return "z" + base58btc_encode(ED25519_PUB_PREFIX + raw_public_bytes(key))


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    if not value.startswith("z"):
        raise ValueError("only base58btc multibase keys are supported")
    data = base58btc_decode(value[1:])
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])

"""JSON Canonicalization Scheme (RFC 8785) for the JSON our credentials use.

Covers objects, arrays, strings, booleans, null and integers (floats only when they hold a whole
number below 2**53, written the way ECMAScript writes them). Anything else raises ValueError, so a
document we cannot canonicalise exactly is never signed or verified by guesswork.
"""
from __future__ import annotations

import json

_MAX_SAFE = 2 ** 53 - 1


def _key(name: str) -> bytes:
    # RFC 8785 3.2.3: members are sorted by the UTF-16 code units of their names.
    return name.encode("utf-16-be", "surrogatepass")


def _string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("lone surrogate in string") from None
    # With ensure_ascii off, json escapes exactly what ECMAScript's JSON.stringify escapes:
    # the quote, the backslash and control characters (\b \f \n \r \t, others as lower-case \u00xx).
    return json.dumps(value, ensure_ascii=False)


def _number(value: int | float) -> str:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise ValueError("only whole numbers are supported")
        value = int(value)
    if abs(value) > _MAX_SAFE:
        raise ValueError("integer outside the IEEE 754 safe range")
    return str(value)


def canonicalize(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonicalize(item) for item in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("object keys must be strings")
        members = sorted(value.items(), key=lambda item: _key(item[0]))
        return "{" + ",".join(_string(k) + ":" + canonicalize(v) for k, v in members) + "}"
    raise ValueError(f"cannot canonicalise {type(value).__name__}")


def canonical_bytes(value) -> bytes:
    return canonicalize(value).encode("utf-8")

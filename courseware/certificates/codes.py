"""Certificate codes: 20 Crockford base32 digits (100 random bits), read aloud in groups of four.

Crockford's alphabet leaves out I, L, O and U, so a code read over the phone or typed from paper
cannot be mistaken; on input, O is read as 0 and I or L as 1, case does not matter and spaces
and hyphens are ignored.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20                     # 20 digits x 5 bits = 100 bits of randomness
GROUP = 4
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str | None:
    """The stored form of a code as typed by someone, or None when it cannot be a code."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    code = _SEPARATORS.sub("", text).upper().translate(_TRANSLATE)
    return code if _VALID.match(code) else None


def format_code(code: str) -> str:
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))

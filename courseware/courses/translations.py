"""Translations of the course text: `<name>.<lang>.md` beside each English file (modules/README.md).

English is the original; the other languages are read, checked and rendered once at load time.
"""
from __future__ import annotations

import re

LANGUAGES = ("de", "fr", "nl")
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "nl": "Dutch"}
_TRANSLATION_NAME = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2})\.md$")


def split_translation(name: str) -> tuple[str, str | None]:
    """'module.de.md' -> ('module.md', 'de'); 'module.md' -> ('module.md', None).
    Any two-letter code counts, so that a misspelt language is reported rather than taken for a unit."""
    match = _TRANSLATION_NAME.match(name)
    if match is None:
        return name, None
    return f"{match['base']}.md", match["lang"]


def is_translation(name: str) -> bool:
    return split_translation(name)[1] is not None

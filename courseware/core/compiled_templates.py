"""Templates compiled once per language, with their fixed texts already translated.

A template's `_("Sign out")` reads the same for every reader of one language, so looking it up in the
catalogue on every request (through Flask-Babel's context lookup, 20 to 120 times a page) is work done
again and again for the same answer. Here each language gets its own compiled copy of every template: an
overlay of the app's Jinja environment, with its own template cache, whose compiler replaces each
`_("literal")` (and `gettext("literal")`) by its translation. What the reader gets is byte for byte what
Jinja's i18n extension produces at run time (newstyle gettext): the translation is marked safe, always
%-formatted (so "%%" reads "%"), and the values of its keyword placeholders are escaped into it.

What stays a call at run time: `ngettext` (the form depends on the number), `_()` of anything but a
literal text, and a literal whose placeholders are not all given as keywords. A template must not name
one of its own variables `_` or `gettext` (none does): the compiler takes every call of those names for
the translation function.

Which copy a page uses is decided when a template is asked for: the language Flask-Babel chose for the
request, or for the mail being written (`core.i18n.in_language_of`). Outside any request: English.
"""
from __future__ import annotations

import os

from babel.support import NullTranslations, Translations
from flask.templating import Environment
from jinja2 import BytecodeCache, nodes
from jinja2.visitor import NodeTransformer

GETTEXT_NAMES = frozenset({"_", "gettext"})


class TranslatedEnvironment(Environment):
    """The app's Jinja environment (`Flask.jinja_environment`). Asked for a template, it hands over to the
    environment of the current language, created on first use."""

    language: str | None = None              # set on the per-language overlays only
    _translations: NullTranslations | None = None

    def get_template(self, name, parent=None, globals=None):
        if self.language is None:
            return self.for_language(_current_language()).get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        if self.language is None:
            return self.for_language(_current_language()).select_template(names, parent, globals)
        return super().select_template(names, parent, globals)

    def for_language(self, code: str) -> "TranslatedEnvironment":
        overlays = self.__dict__.setdefault("_overlays", {})
        overlay = overlays.get(code)
        if overlay is None:
            # Created on first use, after the app has set up its globals, filters and extensions
            # (an overlay shares the globals and filters; it copies the extensions and settings).
            overlay = self.overlay(cache_size=self.cache.capacity if self.cache is not None else 400)
            overlay.language = code
            overlay._translations, version = load_translations(self.app, code)
            if self.bytecode_cache is not None:
                overlay.bytecode_cache = LanguageBytecodeCache(self.bytecode_cache, f"{code}-{version}")
            overlays[code] = overlay
        return overlay

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if self._translations is not None:
            tree = FoldTranslations(self._translations.gettext).visit(tree)
        return tree


class FoldTranslations(NodeTransformer):
    """Replaces `_("literal", key=value, ...)` by the translation, as newstyle gettext would render it."""

    def __init__(self, gettext):
        self.gettext = gettext

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not (isinstance(node.node, nodes.Name) and node.node.name in GETTEXT_NAMES and node.node.ctx == "load"
                and len(node.args) == 1 and isinstance(node.args[0], nodes.Const)
                and isinstance(node.args[0].value, str) and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        text = self.gettext(node.args[0].value)
        names = {keyword.key for keyword in node.kwargs}
        try:
            # The same formatting newstyle gettext applies at run time; a placeholder that no keyword
            # fills fails here, and that call is left as it was (it fails the same way when rendered).
            text % {key: "" for key in names}
        except (KeyError, ValueError, TypeError):
            return node
        lineno = node.lineno
        if not node.kwargs:
            return nodes.MarkSafeIfAutoescape(nodes.Const(text % {}, lineno=lineno), lineno=lineno)
        translated = nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=lineno), lineno=lineno)
        values = nodes.Dict([nodes.Pair(nodes.Const(keyword.key, lineno=lineno), keyword.value, lineno=lineno)
                             for keyword in node.kwargs], lineno=lineno)
        return nodes.Mod(translated, values, lineno=lineno)


class LanguageBytecodeCache(BytecodeCache):
    """A bytecode cache (Jinja's, or the test suite's) seen through one language's overlay: compiled code
    is kept per language and catalogue version, since the same template source compiles differently in each."""

    def __init__(self, shared: BytecodeCache, prefix: str):
        self.shared, self.prefix = shared, prefix

    def get_cache_key(self, name, filename=None) -> str:
        return f"{self.prefix}:{self.shared.get_cache_key(name, filename)}"

    def load_bytecode(self, bucket) -> None:
        self.shared.load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        self.shared.dump_bytecode(bucket)

    def clear(self) -> None:
        self.shared.clear()


def load_translations(app, code: str) -> tuple[NullTranslations, str]:
    """The catalogue Flask-Babel reads for `code` (the app's translation directories and domain), and a
    version of it (the compiled files' sizes and times) that changes when a catalogue is recompiled."""
    folders = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")
    domain = app.config.get("BABEL_DOMAIN", "messages")
    merged, version = Translations(), []
    for folder in folders:
        path = os.path.join(app.root_path, folder)
        merged.merge(Translations.load(path, [code], domain))
        mo = os.path.join(path, code, "LC_MESSAGES", f"{domain}.mo")
        if os.path.exists(mo):
            stat = os.stat(mo)
            version.append(f"{stat.st_size}.{stat.st_mtime_ns}")
    return merged, "-".join(version) or "source"


def _current_language() -> str:
    from .i18n import current_language

    return current_language()

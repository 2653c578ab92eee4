"""What service functions need from the running site, handed to them instead of being fetched.

Services never reach for `request`, `current_app`, `g` or `url_for`: a view or a command builds the
`Site` once (`current_site()`) and passes it in, together with the time. So the same function works
in a request, in a cron job and in a test, and every absolute link comes from the one configured
`BASE_URL`, never from the Host header of whoever sent the request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import Flask, current_app
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from werkzeug.routing import Map, MapAdapter


class LinkBuilder:
    """Absolute links to the site's pages, built from BASE_URL and the app's URL map."""

    def __init__(self, base_url: str, url_map: Map):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"BASE_URL must be an absolute http(s) address, not {base_url!r}")
        self.base_url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.host = parts.netloc
        self._url_map = url_map
        self._adapter: MapAdapter | None = None

    def _bound(self) -> MapAdapter:
        # Bound on first use, once every blueprint has added its rules.
        if self._adapter is None:
            parts = urlsplit(self.base_url)
            self._adapter = self._url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        return self._adapter

    def url(self, endpoint: str, _anchor: str | None = None, **values: Any) -> str:
        """The absolute address of a page: `links.url("certificates.verify", code=...)`."""
        url = self._bound().build(endpoint, values, force_external=True)
        return f"{url}#{_anchor}" if _anchor else url


@dataclass(frozen=True)
class Site:
    """The settings, links and secrets of one running site."""

    config: Mapping[str, Any]
    links: LinkBuilder
    instance_path: Path
    # Things derived once per site (e.g. the parsed signing key); never per-person data.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def setting(self, name: str) -> Any:
        return self.config[name]

    def serializer(self, salt: str) -> URLSafeSerializer:
        """Signs data that never expires (opt-out links in old mails must keep working)."""
        return URLSafeSerializer(self.config["SECRET_KEY"], salt=salt)

    def timed_serializer(self, salt: str) -> URLSafeTimedSerializer:
        """Signs data whose age is checked when it is read back (reset and confirmation links)."""
        return URLSafeTimedSerializer(self.config["SECRET_KEY"], salt=salt)


def init_app(app: Flask) -> None:
    app.extensions["courseware.site"] = Site(config=MappingProxyType(app.config),
                                             links=LinkBuilder(app.config["BASE_URL"], app.url_map),
                                             instance_path=Path(app.instance_path))


def current_site() -> Site:
    """For views and commands: the Site of the running app."""
    return current_app.extensions["courseware.site"]

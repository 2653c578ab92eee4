"""The OpenID Connect client, through Authlib: authorization code flow with PKCE (S256), `state` and
`nonce`; the ID token's signature checked against the provider's published keys (JWKS), and its
issuer, audience, expiry and nonce against what this site expects.

Authlib keeps each sign-in's state, nonce and PKCE verifier in the signed session cookie until the
provider sends the person back; a callback whose state is not in this browser's session is refused.
Everything that goes wrong becomes a `SignInFailed` with a `Failure` the views turn into a page.
"""
from __future__ import annotations

import logging
from enum import StrEnum

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError

from .providers import SCOPES, Provider

log = logging.getLogger(__name__)

EXTENSION = "courseware.sso.oauth"


class Failure(StrEnum):
    UNREACHABLE = "unreachable"          # the provider did not answer, or answered nonsense
    STATE = "state"                      # the callback's state is not the one this browser started
    DENIED = "denied"                    # the provider says the person did not sign in (cancelled, refused)
    CODE = "code"                        # the token endpoint refused the code: expired, used, forged
    TOKEN = "token"                      # no ID token, or one that fails verification (key, issuer, audience, expiry, nonce)
    UNVERIFIED_EMAIL = "unverified_email"
    NO_EMAIL = "no_email"
    OUTSIDE_DOMAINS = "outside_domains"
    INACTIVE = "inactive"                # the linked account has been deactivated
    EXPIRED = "expired"                  # the confirmation step came too late, or in another browser


class SignInFailed(Exception):
    def __init__(self, failure: Failure, detail: str = ""):
        super().__init__(f"{failure}: {detail}" if detail else str(failure))
        self.failure = failure
        self.detail = detail


def init_app(app: Flask, providers: tuple[Provider, ...]) -> None:
    oauth = OAuth(app)
    for provider in providers:
        oauth.register(provider.name, client_id=provider.client_id, client_secret=provider.client_secret or None,
                       server_metadata_url=provider.discovery_url,
                       client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                                      "default_timeout": app.config["OIDC_TIMEOUT"]})
    app.extensions[EXTENSION] = oauth


def _client(provider: Provider):
    return current_app.extensions[EXTENSION].create_client(provider.name)


def authorization_redirect(provider: Provider, redirect_uri: str):
    """The redirect that sends the browser to the provider (a fresh state, nonce and PKCE verifier are kept
    in the session). Reads the provider's discovery document the first time."""
    try:
        return _client(provider).authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as e:
        log.warning("OpenID provider %s could not be reached: %s", provider.name, e)
        raise SignInFailed(Failure.UNREACHABLE, str(e)) from None


def verified_claims(provider: Provider) -> dict:
    """The claims of the ID token the provider sent back to this callback, once everything is verified."""
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
        issuer = metadata.get("issuer")
        if not issuer:
            raise SignInFailed(Failure.UNREACHABLE, "the discovery document names no issuer")
        token = client.authorize_access_token(claims_options={"iss": {"essential": True, "value": issuer}})
    except MismatchingStateError:
        raise SignInFailed(Failure.STATE) from None
    except OAuthError as e:
        # An error in the callback itself (access_denied...) or from the token endpoint (invalid_grant...).
        failure = Failure.CODE if e.error in ("invalid_grant", "invalid_request", "invalid_client") else Failure.DENIED
        log.info("OpenID sign-in with %s refused: %s %s", provider.name, e.error, e.description)
        raise SignInFailed(failure, f"{e.error}: {e.description}") from None
    except JoseError as e:
        log.warning("ID token from %s refused: %s", provider.name, e)
        raise SignInFailed(Failure.TOKEN, str(e)) from None
    except requests.HTTPError as e:
        log.info("OpenID token request to %s failed: %s", provider.name, e)
        raise SignInFailed(Failure.CODE, str(e)) from None
    except (requests.RequestException, ValueError) as e:
        log.warning("OpenID provider %s could not be reached: %s", provider.name, e)
        raise SignInFailed(Failure.UNREACHABLE, str(e)) from None
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        # Authlib verifies an ID token only when there is one; without it we know nobody.
        raise SignInFailed(Failure.TOKEN, "no ID token in the token response")
    return dict(claims)

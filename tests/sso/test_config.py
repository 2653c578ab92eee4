"""Providers from the environment: read as README says, and a provider that cannot work stops the app."""
from __future__ import annotations

import pytest

from courseware.config import check_oidc_providers, oidc_providers
from courseware.sso.service import email_verified

ENV = {"OIDC_PROVIDERS": "entra, keycloak",
       "OIDC_ENTRA_DISCOVERY_URL": "https://login.example/t/v2.0/.well-known/openid-configuration",
       "OIDC_ENTRA_CLIENT_ID": "abc", "OIDC_ENTRA_CLIENT_SECRET": "s", "OIDC_ENTRA_LABEL": "City account",
       "OIDC_ENTRA_DOMAINS": "stad.gent, @Gent.be", "OIDC_ENTRA_ORGANISATION": "City of Ghent",
       "OIDC_KEYCLOAK_DISCOVERY_URL": "https://id.example/realms/staff/.well-known/openid-configuration",
       "OIDC_KEYCLOAK_CLIENT_ID": "courseware"}


def test_providers_are_read_from_the_environment():
    entra, keycloak = oidc_providers(ENV)
    assert (entra["name"], entra["label"], entra["domains"], entra["organisation"]) == (
        "entra", "City account", ["stad.gent", "gent.be"], "City of Ghent")
    assert (keycloak["label"], keycloak["domains"]) == ("keycloak", [])
    check_oidc_providers([entra, keycloak])
    assert oidc_providers({}) == []


@pytest.mark.parametrize("change, words", [
    ({"OIDC_ENTRA_DISCOVERY_URL": ""}, "OIDC_ENTRA_DISCOVERY_URL is not set"),
    ({"OIDC_ENTRA_CLIENT_ID": ""}, "OIDC_ENTRA_CLIENT_ID is not set"),
    ({"OIDC_PROVIDERS": "entra,entra"}, "not a usable provider name"),
    ({"OIDC_PROVIDERS": "entra/x"}, "not a usable provider name"),
])
def test_a_provider_that_cannot_work_stops_the_app(change, words):
    with pytest.raises(RuntimeError, match=words):
        check_oidc_providers(oidc_providers({**ENV, **change}))


@pytest.mark.parametrize("claims, verified", [
    ({"email_verified": True}, True), ({"xms_edov": True}, True), ({"email_verified": "true"}, False),
    ({"email_verified": False}, False), ({}, False)])
def test_which_claims_vouch_for_the_address(claims, verified):
    assert email_verified(claims) is verified

from __future__ import annotations

import pytest

from .oidc_provider import running_provider

# The test client's site (BASE_URL http://localhost) is where the provider sends people back.
CALLBACKS = [f"http://localhost/login/sso/{name}/callback" for name in ("test", "strict", "wrongkey", "other")]


@pytest.fixture(scope="session")
def oidc_issuer():
    """The test provider, one for the session (each test uses its own accounts and sessions there)."""
    with running_provider(CALLBACKS) as issuer:
        yield issuer

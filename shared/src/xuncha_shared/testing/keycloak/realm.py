"""The realm the tests sign in to: its client, audience and users' password, and
:class:`KeycloakRealm`, its endpoints and a password grant."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from xuncha_shared.auth import AuthConfig
from xuncha_shared.testing.keycloak.errors import KeycloakError

REALM_FILE = Path(__file__).with_name("realm.json")
"""The realm every :class:`KeycloakServer` imports unless given another file."""

CLIENT_ID = "xuncha-dashboard"
"""The realm's public client (code flow with PKCE S256, and direct access grants)."""

AUDIENCE = "xuncha"
"""Added to every access token the client gets, and required by the services."""

PASSWORD = "Henan-2026#sso"
"""Password of every user in :data:`REALM_FILE` (``liu.xcb``, ``ma.town``, ``wang.nojur``)."""


@dataclass(frozen=True)
class KeycloakRealm:
    """A realm of a running Keycloak, as the tests and services see it."""

    base_url: str
    """``http://127.0.0.1:<port>``, no trailing slash."""
    realm: str
    client_id: str = CLIENT_ID

    @property
    def issuer(self) -> str:
        """The ``iss`` of the realm's tokens, ``<base_url>/realms/<realm>``."""
        return f"{self.base_url}/realms/{self.realm}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def authorization_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/auth"

    def auth_config(self, **overrides: Any) -> AuthConfig:
        """Settings that make a service verify this realm's access tokens."""
        values: dict[str, Any] = {
            "mode": "oidc",
            "issuer": self.issuer,
            "jwks_url": self.jwks_url,
            "audience": AUDIENCE,
            "roles_claim": "xuncha_roles",
        }
        values.update(overrides)
        return AuthConfig.model_validate(values)

    async def password_grant(
        self, username: str, password: str = PASSWORD, *, scope: str = "openid"
    ) -> dict[str, Any]:
        """Sign ``username`` in with a direct access grant and return the token response.

        Raises:
            KeycloakError: Keycloak refused (its status and error body in the message).
        """
        form = {
            "grant_type": "password",
            "client_id": self.client_id,
            "username": username,
            "password": password,
            "scope": scope,
        }
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(self.token_url, data=form)
        if response.status_code != 200:
            raise KeycloakError(
                f"password grant for {username!r} refused ({response.status_code}): "
                f"{response.text[:500]}"
            )
        body: dict[str, Any] = response.json()
        return body

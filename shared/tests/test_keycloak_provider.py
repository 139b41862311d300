"""The tests' OpenID Connect provider: a real Keycloak with the committed ``henan`` realm.

Checks what services and the dashboard rely on: the discovery document, access tokens
signed with the realm's published keys that carry ``aud`` ``xuncha`` and the claims
``jurisdiction``, ``org``, ``xuncha_roles`` and ``name`` (Keycloak 26 drops user attributes
its user profile does not declare, so this is not a given), the services' own verifier
accepting them, and the dashboard client's code flow, which must carry PKCE S256.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from xuncha_shared.auth import AuthError, Role, TokenVerifier
from xuncha_shared.testing.keycloak import AUDIENCE, PASSWORD, KeycloakError, KeycloakRealm

pytestmark = [pytest.mark.keycloak, pytest.mark.slow]

MA_TOWN_ORG = "6809faf5-23c2-4b66-829e-618a1e576698"
CALLBACK = "http://127.0.0.1:5173/callback"


async def _verified_claims(realm: KeycloakRealm, token: str, audience: str) -> dict[str, Any]:
    """Verify ``token`` against the realm's JWKS, as a relying party would."""
    keys = jwt.PyJWKClient(realm.jwks_url)
    key = await asyncio.to_thread(keys.get_signing_key_from_jwt, token)
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=["RS256"], audience=audience, issuer=realm.issuer
    )
    return claims


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _authorization_params(redirect_uri: str = CALLBACK, **extra: str) -> dict[str, str]:
    return {
        "client_id": "xuncha-dashboard",
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": redirect_uri,
        "state": secrets.token_urlsafe(8),
        **extra,
    }


def _cookies(browser: httpx.AsyncClient) -> dict[str, str]:
    """Keycloak marks its cookies ``Secure``. Browsers send those to ``http://127.0.0.1``
    (loopback is a secure context); Python's cookie jar does not, so send them ourselves."""
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)}


def _query(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


async def test_discovery_document_names_the_realm(keycloak: KeycloakRealm) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(keycloak.discovery_url)
    assert response.status_code == 200
    document = response.json()
    assert keycloak.issuer == f"{keycloak.base_url}/realms/henan"
    assert document["issuer"] == keycloak.issuer
    assert document["jwks_uri"] == keycloak.jwks_url
    assert document["token_endpoint"] == keycloak.token_url
    assert document["authorization_endpoint"] == keycloak.authorization_url
    assert "S256" in document["code_challenge_methods_supported"]


async def test_password_grant_carries_the_xuncha_claims(keycloak: KeycloakRealm) -> None:
    tokens = await keycloak.password_grant("ma.town", PASSWORD)

    access = await _verified_claims(keycloak, tokens["access_token"], AUDIENCE)
    assert access["iss"] == keycloak.issuer
    assert access["azp"] == keycloak.client_id
    assert access["jurisdiction"] == "410825"
    assert access["org"] == MA_TOWN_ORG
    assert access["xuncha_roles"] == ["inspected"]
    assert access["name"] == "马春华"
    assert access["preferred_username"] == "ma.town"

    identity = await _verified_claims(keycloak, tokens["id_token"], keycloak.client_id)
    assert (identity["jurisdiction"], identity["org"], identity["xuncha_roles"]) == (
        "410825",
        MA_TOWN_ORG,
        ["inspected"],
    )


async def test_services_accept_the_realms_tokens(keycloak: KeycloakRealm) -> None:
    verifier = TokenVerifier(keycloak.auth_config())

    town = await verifier.verify((await keycloak.password_grant("ma.town"))["access_token"])
    assert town.roles == frozenset({Role.inspected})
    assert (town.jurisdiction, town.org_id, town.name) == ("410825", MA_TOWN_ORG, "马春华")
    assert not town.is_service_account

    office = await verifier.verify((await keycloak.password_grant("liu.xcb"))["access_token"])
    assert office.roles == frozenset({Role.office})
    assert (office.jurisdiction, office.org_id, office.name) == ("410825", None, "刘晓晨")

    without = (await keycloak.password_grant("wang.nojur"))["access_token"]
    assert "jurisdiction" not in jwt.decode(without, options={"verify_signature": False})
    with pytest.raises(AuthError) as refused:
        await verifier.verify(without)
    assert refused.value.code == "no_jurisdiction"


async def test_a_wrong_password_is_refused(keycloak: KeycloakRealm) -> None:
    with pytest.raises(KeycloakError, match="invalid_grant"):
        await keycloak.password_grant("ma.town", "not-the-password")


async def test_an_authorization_request_without_pkce_is_refused(keycloak: KeycloakRealm) -> None:
    async with httpx.AsyncClient() as client:
        missing = await client.get(keycloak.authorization_url, params=_authorization_params())
        plain = await client.get(
            keycloak.authorization_url,
            params=_authorization_params(
                code_challenge=secrets.token_urlsafe(48), code_challenge_method="plain"
            ),
        )
    # Keycloak trusts the redirect URI (it is registered), so it sends the error there.
    assert missing.status_code == 302
    assert missing.headers["location"].startswith(f"{CALLBACK}?")
    error = _query(missing.headers["location"])
    assert error["error"] == "invalid_request"
    assert error["error_description"] == "Missing parameter: code_challenge_method"
    assert error["iss"] == keycloak.issuer

    assert plain.status_code == 302
    error = _query(plain.headers["location"])
    assert error["error"] == "invalid_request"
    assert "code challenge method is not matching" in error["error_description"]


@pytest.mark.parametrize(
    ("redirect_uri", "accepted"),
    [
        ("http://127.0.0.1:5173/callback", True),
        ("http://localhost:8000/auth/callback", True),
        ("http://127.0.0.1/callback", True),
        ("http://localhost.attacker.test:8000/callback", False),
        ("http://127.0.0.1.attacker.test/callback", False),
        ("https://attacker.test/callback", False),
    ],
)
async def test_redirect_uris_are_loopback_on_any_port(
    keycloak: KeycloakRealm, redirect_uri: str, accepted: bool
) -> None:
    _, challenge = _pkce_pair()
    params = _authorization_params(
        redirect_uri, code_challenge=challenge, code_challenge_method="S256"
    )
    async with httpx.AsyncClient() as client:
        response = await client.get(keycloak.authorization_url, params=params)
    # Accepted: the login page. Refused: an error page, never a redirect to that URI.
    assert response.status_code == (200 if accepted else 400)
    assert ('id="kc-form-login"' in response.text) is accepted


async def test_the_dashboards_code_flow_with_pkce(keycloak: KeycloakRealm) -> None:
    verifier, challenge = _pkce_pair()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    async with httpx.AsyncClient() as browser:
        page = await browser.get(keycloak.authorization_url, params=_authorization_params(**pkce))
        assert page.status_code == 200
        assert "河南省统一身份认证平台" in page.text
        form = re.search(r'id="kc-form-login"[^>]*action="([^"]+)"', page.text)
        assert form is not None
        signed_in = await browser.post(
            html.unescape(form.group(1)),
            data={"username": "ma.town", "password": PASSWORD},
            headers=_cookies(browser),
        )
        assert signed_in.status_code == 302, signed_in.text[:500]
        assert signed_in.headers["location"].startswith(f"{CALLBACK}?")
        code = _query(signed_in.headers["location"])["code"]

        exchange = {
            "grant_type": "authorization_code",
            "client_id": keycloak.client_id,
            "redirect_uri": CALLBACK,
        }
        tokens = await browser.post(
            keycloak.token_url, data={**exchange, "code": code, "code_verifier": verifier}
        )
        assert tokens.status_code == 200, tokens.text
        claims = await _verified_claims(keycloak, tokens.json()["access_token"], AUDIENCE)
        assert (claims["jurisdiction"], claims["xuncha_roles"]) == ("410825", ["inspected"])

        # The browser is signed in now: a second request gets a code at once, and that
        # code is worthless without the verifier of its own challenge.
        _, other_challenge = _pkce_pair()
        again = await browser.get(
            keycloak.authorization_url,
            params=_authorization_params(
                code_challenge=other_challenge, code_challenge_method="S256"
            ),
            headers=_cookies(browser),
        )
        assert again.status_code == 302
        stolen = _query(again.headers["location"])["code"]
        refused = await browser.post(
            keycloak.token_url, data={**exchange, "code": stolen, "code_verifier": verifier}
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_grant"

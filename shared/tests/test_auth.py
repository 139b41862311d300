"""Tests for xuncha_shared.auth: dev tokens, OIDC against a real JWKS endpoint, FastAPI wiring."""

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from pydantic import ValidationError
from xuncha_shared.auth import (
    AuthConfig,
    AuthError,
    Forbidden,
    Principal,
    Role,
    TokenVerifier,
    mint_dev_token,
    principal_dependency,
    require_roles,
)

DEV_SECRET = "dev-secret-for-tests-0123456789-abcdef"
ISSUER = "https://sso.example.gov.cn/realms/xuncha"
AUDIENCE = "xuncha-api"
WENXIAN = "410825"


# --- helpers -------------------------------------------------------------------------------


def dev_config(**overrides: Any) -> AuthConfig:
    return AuthConfig(mode="dev", dev_secret=DEV_SECRET, **overrides)


def raw_dev_token(claims: dict[str, Any], secret: str = DEV_SECRET) -> str:
    """Sign arbitrary claims with the dev secret (for tokens mint_dev_token would refuse)."""
    now = int(time.time())
    payload: dict[str, Any] = {"iss": "xuncha-dev", "sub": "u1", "iat": now, "exp": now + 600}
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, "HS256")


def b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


async def auth_error(verifier: TokenVerifier, token: str) -> AuthError:
    with pytest.raises(AuthError) as info:
        await verifier.verify(token)
    return info.value


class SigningKey:
    """A provider signing key: private part for signing, public JWK for the JWKS."""

    def __init__(self, kid: str, alg: str = "RS256") -> None:
        self.kid = kid
        self.alg = alg
        if alg.startswith("ES"):
            self.private: Any = ec.generate_private_key(ec.SECP256R1())
            self.jwk: dict[str, Any] = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        self.jwk.update(kid=kid, use="sig", alg=alg)

    def sign(self, claims: dict[str, Any], *, kid: str | None = None, **overrides: Any) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "8f1c-user",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "name": "张三",
            "roles": ["office"],
            "org": "org-wx-office",
            "jurisdiction": WENXIAN,
        }
        payload.update(claims)
        payload.update(overrides)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, self.private, self.alg, headers={"kid": kid or self.kid})


class JwksServer:
    """A real HTTP server on 127.0.0.1 serving a JWKS that the test can change."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/.well-known/jwks.json":
                    self.send_error(404)
                    return
                server.fetches += 1
                body = json.dumps({"keys": list(server.keys)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/.well-known/jwks.json"

    def publish(self, *keys: SigningKey) -> None:
        self.keys = [k.jwk for k in keys]

    def __enter__(self) -> "JwksServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="module")
def key1() -> SigningKey:
    return SigningKey("key-2025-01")


@pytest.fixture(scope="module")
def key2() -> SigningKey:
    return SigningKey("key-2025-07")


@pytest.fixture(scope="module")
def stranger() -> SigningKey:
    return SigningKey("stranger")


@pytest.fixture
def jwks(monkeypatch: pytest.MonkeyPatch) -> Iterator[JwksServer]:
    # urllib (used by PyJWKClient) honours proxy variables; keep loopback traffic local.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with JwksServer() as server:
        yield server


def oidc_config(jwks: JwksServer, **overrides: Any) -> AuthConfig:
    settings: dict[str, Any] = {
        "mode": "oidc",
        "issuer": ISSUER,
        "jwks_url": jwks.url,
        "audience": AUDIENCE,
    }
    settings.update(overrides)
    return AuthConfig(**settings)


# --- configuration -------------------------------------------------------------------------


def test_config_refuses_short_dev_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        AuthConfig(mode="dev", dev_secret="too-short")
    with pytest.raises(ValidationError, match="at least 32"):
        AuthConfig(mode="oidc", issuer=ISSUER, jwks_url="https://x/jwks", dev_secret="short")


def test_config_refuses_dev_mode_without_secret() -> None:
    with pytest.raises(ValidationError, match="dev_secret"):
        AuthConfig(mode="dev")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"jwks_url": "https://sso/jwks"}, "issuer"),
        ({"issuer": ISSUER}, "jwks_url"),
        ({"issuer": ISSUER, "jwks_url": "file:///etc/passwd"}, "http"),
        ({"issuer": ISSUER, "jwks_url": "https://sso/jwks", "algorithms": ["HS256"]}, "HS256"),
        ({"issuer": ISSUER, "jwks_url": "https://sso/jwks", "algorithms": ["none"]}, "none"),
    ],
)
def test_config_refuses_incomplete_or_weak_oidc(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AuthConfig(mode="oidc", **settings)


def test_config_defaults_and_secret_is_hidden() -> None:
    config = dev_config()
    assert config.dev_issuer == "xuncha-dev"
    assert config.algorithms == ["RS256", "ES256"]
    assert config.leeway_seconds == 30
    assert (config.roles_claim, config.org_claim) == ("roles", "org")
    assert (config.jurisdiction_claim, config.name_claim) == ("jurisdiction", "name")
    assert DEV_SECRET not in repr(config)
    assert DEV_SECRET not in config.model_dump_json()


# --- principal -----------------------------------------------------------------------------


def test_principal_has_and_jurisdiction() -> None:
    p = Principal(
        subject="u1",
        name="李四",
        roles=frozenset({Role.group}),
        org_id=None,
        jurisdiction=WENXIAN,
        is_service_account=False,
    )
    assert p.has(Role.group)
    assert p.has(Role.office, Role.group)
    assert not p.has(Role.office, Role.leadership)
    assert not p.has()
    assert p.in_jurisdiction(WENXIAN)
    assert not p.in_jurisdiction("410883")  # 孟州
    assert Role.group.label_zh == "巡察组"
    assert {r.label_zh for r in Role}.isdisjoint({""})


# --- dev mode ------------------------------------------------------------------------------


async def test_dev_token_round_trip() -> None:
    config = dev_config()
    token = mint_dev_token(
        config,
        subject="user-42",
        roles=[Role.inspected, "leader"],
        jurisdiction=WENXIAN,
        org_id="org-zhaobao-town",
        name="王五",
    )
    principal = await TokenVerifier(config).verify(token)
    assert principal == Principal(
        subject="user-42",
        name="王五",
        roles=frozenset({Role.inspected, Role.leader}),
        org_id="org-zhaobao-town",
        jurisdiction=WENXIAN,
        is_service_account=False,
        expires_at=principal.expires_at,
    )
    claims = jwt.decode(token, DEV_SECRET, ["HS256"], issuer="xuncha-dev")
    assert claims["exp"] - claims["iat"] == 12 * 3600
    # The principal carries its token's expiry (what a live stream ends at).
    assert principal.expires_at == datetime.fromtimestamp(claims["exp"], UTC)
    now = datetime.fromtimestamp(claims["iat"], UTC)
    assert principal.seconds_left(now) == 12 * 3600
    assert principal.seconds_left(now + timedelta(days=1)) == 0


async def test_dev_token_with_audience_and_custom_claim_names() -> None:
    config = dev_config(
        audience="xuncha", roles_claim="xuncha_roles", jurisdiction_claim="jur", org_claim="o"
    )
    token = mint_dev_token(config, subject="u", roles=[Role.office], jurisdiction="410800")
    principal = await TokenVerifier(config).verify(token)
    assert principal.roles == {Role.office}
    assert principal.jurisdiction == "410800"
    assert principal.org_id is None
    error = await auth_error(TokenVerifier(dev_config(audience="other")), token)
    assert error.code == "invalid_audience"


async def test_dev_failures_have_distinct_codes() -> None:
    config = dev_config()
    verifier = TokenVerifier(config)
    good = mint_dev_token(config, subject="u", roles=[Role.group], jurisdiction=WENXIAN)

    expired = mint_dev_token(
        config,
        subject="u",
        roles=[Role.group],
        jurisdiction=WENXIAN,
        ttl=timedelta(hours=1),
        now=datetime.now(UTC) - timedelta(days=1),
    )
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["office"]  # a group member promoting himself
    forged = b64url(json.dumps(claims).encode()).decode()
    tampered = f"{header}.{forged}.{signature}"
    other_secret = AuthConfig(mode="dev", dev_secret="another-secret-0123456789-abcdefgh")
    wrong_secret = mint_dev_token(other_secret, subject="u", roles=["group"], jurisdiction="1")
    wrong_issuer = mint_dev_token(
        dev_config(dev_issuer="somebody-else"), subject="u", roles=["group"], jurisdiction="1"
    )
    no_role = raw_dev_token({"roles": [], "jurisdiction": WENXIAN})
    no_roles_claim = raw_dev_token({"jurisdiction": WENXIAN})
    unknown_roles = mint_dev_token(config, subject="u", roles=["admin", "root"], jurisdiction="1")
    no_jurisdiction = raw_dev_token({"roles": ["office"]})
    blank_jurisdiction = raw_dev_token({"roles": ["office"], "jurisdiction": "  "})
    no_exp = raw_dev_token({"roles": ["office"], "jurisdiction": WENXIAN, "exp": None})
    not_yet = raw_dev_token({"roles": ["office"], "jurisdiction": "1", "nbf": time.time() + 3600})
    alg_none = jwt.encode({"iss": "xuncha-dev", "sub": "u", "exp": 2**40}, "", "none")
    bad_roles_type = raw_dev_token({"roles": {"office": True}, "jurisdiction": WENXIAN})

    expected = {
        "expired_token": [expired],
        "invalid_signature": [tampered, wrong_secret],
        "invalid_issuer": [wrong_issuer],
        "no_role": [no_role, no_roles_claim],
        "no_known_role": [unknown_roles],
        "no_jurisdiction": [no_jurisdiction, blank_jurisdiction],
        "missing_claim": [no_exp],
        "token_not_yet_valid": [not_yet],
        "invalid_algorithm": [alg_none],
        "invalid_claim": [bad_roles_type],
        "malformed_token": ["not-a-jwt", "a.b.c", "x" * 20_000],
        "missing_token": ["", "   "],
    }
    for code, tokens in expected.items():
        for token in tokens:
            error = await auth_error(verifier, token)
            assert error.code == code, (code, token[:40])
            assert error.status_code == 401
            assert error.message_zh and error.message_en
            assert error.message_zh != error.message_en
    assert (await verifier.verify(good)).roles == {Role.group}


async def test_unknown_roles_are_ignored_beside_known_ones() -> None:
    config = dev_config()
    token = mint_dev_token(
        config, subject="u", roles=["admin", "office", "auditor"], jurisdiction=WENXIAN
    )
    assert (await TokenVerifier(config).verify(token)).roles == {Role.office}
    spaced = raw_dev_token({"roles": "leadership office", "jurisdiction": 410825})
    principal = await TokenVerifier(config).verify(spaced)
    assert principal.roles == {Role.leadership, Role.office}
    assert principal.jurisdiction == WENXIAN


async def test_dev_service_account() -> None:
    config = dev_config()
    verifier = TokenVerifier(config)
    token = mint_dev_token(
        config,
        subject="svc-jiwei",
        roles=[Role.service, Role.discipline],
        jurisdiction=WENXIAN,
        org_id="org-wx-jiwei",
    )
    principal = await verifier.verify(token)
    assert principal.is_service_account
    assert principal.roles == {Role.service, Role.discipline}
    assert principal.name == "svc-jiwei"
    lone = mint_dev_token(config, subject="svc", roles=[Role.service], jurisdiction=WENXIAN)
    assert (await auth_error(verifier, lone)).code == "service_account_without_department"
    office_bot = mint_dev_token(
        config, subject="svc", roles=[Role.service, Role.office], jurisdiction=WENXIAN
    )
    assert (await auth_error(verifier, office_bot)).code == "service_account_without_department"


def test_mint_dev_token_refusals() -> None:
    oidc = AuthConfig(mode="oidc", issuer=ISSUER, jwks_url="https://sso/jwks")
    with pytest.raises(ValueError, match="dev mode"):
        mint_dev_token(oidc, subject="u", roles=[Role.office], jurisdiction=WENXIAN)
    config = dev_config()
    with pytest.raises(ValueError, match="jurisdiction"):
        mint_dev_token(config, subject="u", roles=[Role.office], jurisdiction="")
    with pytest.raises(ValueError, match="ttl"):
        mint_dev_token(config, subject="u", roles=["office"], jurisdiction="1", ttl=timedelta(0))
    with pytest.raises(ValueError, match="timezone"):
        mint_dev_token(
            config,
            subject="u",
            roles=["office"],
            jurisdiction="1",
            now=datetime(2025, 1, 1),  # noqa: DTZ001 (naive on purpose)
        )


# --- OIDC mode against a real JWKS endpoint -------------------------------------------------


async def test_oidc_token_verified_with_jwks(jwks: JwksServer, key1: SigningKey) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(oidc_config(jwks))
    principal = await verifier.verify(key1.sign({}))
    assert principal == Principal(
        subject="8f1c-user",
        name="张三",
        roles=frozenset({Role.office}),
        org_id="org-wx-office",
        jurisdiction=WENXIAN,
        is_service_account=False,
        expires_at=principal.expires_at,
    )
    await verifier.verify(key1.sign({"roles": ["leadership"]}))
    assert jwks.fetches == 1  # the key set is cached


async def test_oidc_es256_key(jwks: JwksServer, key1: SigningKey) -> None:
    ec_key = SigningKey("ec-1", alg="ES256")
    jwks.publish(key1, ec_key)
    principal = await TokenVerifier(oidc_config(jwks)).verify(ec_key.sign({"roles": ["group"]}))
    assert principal.roles == {Role.group}


async def test_oidc_key_rotation_refetches_jwks(
    jwks: JwksServer, key1: SigningKey, key2: SigningKey
) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(oidc_config(jwks, jwks_refetch_cooldown_seconds=0))
    await verifier.verify(key1.sign({}))
    assert jwks.fetches == 1

    jwks.publish(key1, key2)  # the provider rotates: a new kid appears in the JWKS
    principal = await verifier.verify(key2.sign({"sub": "after-rotation"}))
    assert principal.subject == "after-rotation"
    assert jwks.fetches == 2
    await verifier.verify(key1.sign({}))  # the old key still works while published
    assert jwks.fetches == 2


async def test_oidc_unknown_kid_respects_cooldown_until_cache_expires(
    jwks: JwksServer, key1: SigningKey, key2: SigningKey
) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(
        oidc_config(jwks, jwks_refetch_cooldown_seconds=60, jwks_cache_seconds=1)
    )
    await verifier.verify(key1.sign({}))
    jwks.publish(key1, key2)
    # Within the cooldown an unknown kid does not make the verifier hit the provider again.
    assert (await auth_error(verifier, key2.sign({}))).code == "unknown_key"
    assert jwks.fetches == 1
    await asyncio.sleep(1.1)  # the cached key set expires and is fetched again
    assert (await verifier.verify(key2.sign({}))).subject == "8f1c-user"
    assert jwks.fetches == 2


async def test_oidc_rejects_key_not_in_jwks(
    jwks: JwksServer, key1: SigningKey, stranger: SigningKey
) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(oidc_config(jwks, jwks_refetch_cooldown_seconds=0))
    error = await auth_error(verifier, stranger.sign({}))
    assert error.code == "unknown_key"
    assert error.status_code == 401
    # A stranger's signature under a published kid fails the signature check.
    assert (await auth_error(verifier, stranger.sign({}, kid=key1.kid))).code == (
        "invalid_signature"
    )
    # No kid at all.
    no_kid = jwt.encode({"iss": ISSUER, "sub": "u", "exp": 2**40}, stranger.private, "RS256")
    assert (await auth_error(verifier, no_kid)).code == "unknown_key"


async def test_oidc_rejects_audience_issuer_and_time(jwks: JwksServer, key1: SigningKey) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(oidc_config(jwks))
    now = int(time.time())
    cases = {
        "invalid_audience": [key1.sign({"aud": "another-client"}), key1.sign({"aud": None})],
        "invalid_issuer": [key1.sign({"iss": "https://evil.example"}), key1.sign({"iss": None})],
        "expired_token": [key1.sign({"exp": now - 120})],
        "token_not_yet_valid": [key1.sign({"nbf": now + 120})],
        "missing_claim": [key1.sign({"sub": None})],
        "no_jurisdiction": [key1.sign({"jurisdiction": None})],
        "no_known_role": [key1.sign({"roles": ["uma_authorization", "offline_access"]})],
    }
    for code, tokens in cases.items():
        for token in tokens:
            assert (await auth_error(verifier, token)).code == code
    # Within the leeway (30 s) a just-expired token and a barely-future nbf are accepted.
    await verifier.verify(key1.sign({"exp": now - 10, "nbf": now + 10}))
    # A token for several audiences, ours among them, is accepted.
    await verifier.verify(key1.sign({"aud": ["account", AUDIENCE]}))


async def test_oidc_refuses_symmetric_and_none_algorithms(
    jwks: JwksServer, key1: SigningKey
) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(oidc_config(jwks))
    public_pem = key1.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u", "exp": 2**40, "roles": ["office"]}
    # The classic confusion attack: HMAC keyed with the provider's public key.
    # (PyJWT will not sign like that, so the token is put together by hand.)
    signing_input = b".".join(
        b64url(json.dumps(part).encode())
        for part in ({"alg": "HS256", "typ": "JWT", "kid": key1.kid}, claims)
    )
    mac = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    confused = (signing_input + b"." + b64url(mac)).decode()
    unsigned = jwt.encode(claims, "", "none", headers={"kid": key1.kid})
    for token in (confused, unsigned):
        assert (await auth_error(verifier, token)).code == "invalid_algorithm"
    assert jwks.fetches == 0  # refused before any key lookup


async def test_oidc_service_account(jwks: JwksServer, key1: SigningKey) -> None:
    jwks.publish(key1)
    verifier = TokenVerifier(oidc_config(jwks))
    # Client-credentials token of 纪委's case system: azp/client_id, no personal name.
    token = key1.sign(
        {"name": None, "azp": "jiwei-case-system", "roles": ["discipline"], "org": "org-jw"}
    )
    principal = await verifier.verify(token)
    assert principal.is_service_account
    assert principal.roles == {Role.service, Role.discipline}
    assert principal.name == "jiwei-case-system"
    assert principal.org_id == "org-jw"
    assert principal.jurisdiction == WENXIAN

    by_client_id = key1.sign({"name": None, "client_id": "audit-sys", "roles": ["department"]})
    assert (await verifier.verify(by_client_id)).is_service_account
    # A person logged in through a client also has azp, but has a name: not a service account.
    person = await verifier.verify(key1.sign({"azp": "xuncha-dashboard"}))
    assert not person.is_service_account
    assert Role.service not in person.roles

    no_department = key1.sign({"name": None, "azp": "bot", "roles": ["office"]})
    assert (await auth_error(verifier, no_department)).code == (
        "service_account_without_department"
    )
    no_jurisdiction = key1.sign({"name": None, "azp": "bot", "jurisdiction": None})
    assert (await auth_error(verifier, no_jurisdiction)).code == "no_jurisdiction"


async def test_oidc_nested_claims(jwks: JwksServer, key1: SigningKey) -> None:
    jwks.publish(key1)
    config = oidc_config(jwks, roles_claim="realm_access.roles", org_claim="xuncha.org")
    token = key1.sign(
        {
            "roles": None,
            "org": None,
            "realm_access": {"roles": ["offline_access", "organization"]},
            "xuncha": {"org": "org-zzb"},
        }
    )
    principal = await TokenVerifier(config).verify(token)
    assert principal.roles == {Role.organization}
    assert principal.org_id == "org-zzb"


async def test_oidc_jwks_unreachable(key1: SigningKey) -> None:
    with JwksServer() as dead:
        url = dead.url
    config = AuthConfig(
        mode="oidc", issuer=ISSUER, jwks_url=url, audience=AUDIENCE, jwks_timeout_seconds=2
    )
    error = await auth_error(TokenVerifier(config), key1.sign({}))
    assert error.code == "jwks_unavailable"
    assert error.status_code == 503


async def test_oidc_jwks_without_usable_keys(jwks: JwksServer, key1: SigningKey) -> None:
    jwks.keys = [{"kty": "unknown", "kid": "x"}]
    error = await auth_error(TokenVerifier(oidc_config(jwks)), key1.sign({}))
    assert error.code == "jwks_unavailable"


# --- FastAPI integration -------------------------------------------------------------------


class CountingVerifier(TokenVerifier):
    calls = 0

    async def verify(self, token: str) -> Principal:
        self.calls += 1
        return await super().verify(token)


def make_app(verifier: TokenVerifier, *, handlers: bool = True) -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = verifier
    auth = principal_dependency(lambda request: request.app.state.token_verifier)
    CurrentPrincipal = Annotated[Principal, Depends(auth)]

    @app.get("/me")
    async def me(principal: CurrentPrincipal, request: Request) -> dict[str, Any]:
        assert request.state.principal is principal
        return {
            "subject": principal.subject,
            "name": principal.name,
            "roles": sorted(principal.roles),
            "org_id": principal.org_id,
            "jurisdiction": principal.jurisdiction,
            "is_service_account": principal.is_service_account,
        }

    @app.get("/office-only")
    async def office_only(
        principal: CurrentPrincipal,
        admitted: Annotated[Principal, Depends(require_roles(Role.office, principal=auth))],
    ) -> dict[str, str]:
        assert admitted is principal
        return {"subject": admitted.subject}

    # Router-level authentication; the role check reads request.state.principal.
    router = APIRouter(prefix="/leadership", dependencies=[Depends(auth)])

    @router.get("/dashboard", dependencies=[Depends(require_roles(Role.leadership, Role.office))])
    async def dashboard() -> dict[str, bool]:
        return {"ok": True}

    app.include_router(router)

    @app.get("/unwired", dependencies=[Depends(require_roles(Role.office))])
    async def unwired() -> dict[str, bool]:
        return {"ok": True}

    if handlers:  # stand-ins for the problem+json handlers registered elsewhere

        @app.exception_handler(AuthError)
        async def on_auth_error(request: Request, exc: AuthError) -> JSONResponse:
            return JSONResponse(
                {"code": exc.code, "zh": exc.message_zh, "en": exc.message_en},
                status_code=exc.status_code,
                headers={"WWW-Authenticate": exc.www_authenticate},
            )

        @app.exception_handler(Forbidden)
        async def on_forbidden(request: Request, exc: Forbidden) -> JSONResponse:
            body = {"code": exc.code, "zh": exc.message_zh, "en": exc.message_en}
            return JSONResponse(body, status_code=403)

    return app


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_fastapi_without_header_raises_auth_error() -> None:
    app = make_app(TokenVerifier(dev_config()), handlers=False)
    async with client_for(app) as client:
        with pytest.raises(AuthError) as info:
            await client.get("/me")
    assert info.value.code == "missing_token"


async def test_fastapi_returns_principal_fields() -> None:
    config = dev_config()
    verifier = CountingVerifier(config)
    token = mint_dev_token(
        config,
        subject="u-9",
        roles=[Role.office, "bogus"],
        jurisdiction=WENXIAN,
        org_id="org-wx-office",
        name="赵六",
    )
    async with client_for(make_app(verifier)) as client:
        response = await client.get("/me", headers=bearer(token))
        assert response.status_code == 200
        assert response.json() == {
            "subject": "u-9",
            "name": "赵六",
            "roles": ["office"],
            "org_id": "org-wx-office",
            "jurisdiction": WENXIAN,
            "is_service_account": False,
        }
        verifier.calls = 0
        response = await client.get("/office-only", headers=bearer(token))
        assert response.status_code == 200
        assert verifier.calls == 1  # one verification however many dependencies use it
        response = await client.get("/leadership/dashboard", headers=bearer(token))
        assert response.json() == {"ok": True}


async def test_fastapi_auth_failures_are_401() -> None:
    config = dev_config()
    expired = mint_dev_token(
        config,
        subject="u",
        roles=[Role.office],
        jurisdiction=WENXIAN,
        now=datetime.now(UTC) - timedelta(days=2),
    )
    async with client_for(make_app(TokenVerifier(config))) as client:
        cases = [
            ({}, "missing_token"),
            ({"Authorization": "Basic dXNlcjpwdw=="}, "invalid_authorization_header"),
            ({"Authorization": "Bearer"}, "invalid_authorization_header"),
            (bearer("garbage"), "malformed_token"),
            (bearer(expired), "expired_token"),
        ]
        for headers, code in cases:
            response = await client.get("/me", headers=headers)
            assert response.status_code == 401, code
            assert response.json()["code"] == code
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        # The role check of a route never runs before authentication.
        response = await client.get("/office-only")
        assert (response.status_code, response.json()["code"]) == (401, "missing_token")
        # require_roles without a principal dependency and nothing authenticated earlier.
        token = mint_dev_token(config, subject="u", roles=[Role.office], jurisdiction="1")
        response = await client.get("/unwired", headers=bearer(token))
        assert response.status_code == 401


async def test_fastapi_require_roles_forbidden() -> None:
    config = dev_config()
    token = mint_dev_token(config, subject="u", roles=[Role.group], jurisdiction=WENXIAN)
    app = make_app(TokenVerifier(config))
    async with client_for(app) as client:
        for path in ("/office-only", "/leadership/dashboard"):
            response = await client.get(path, headers=bearer(token))
            assert response.status_code == 403
            body = response.json()
            assert body["code"] == "role_required"
            assert "巡察办" in body["zh"]
            assert "office" in body["en"]
        assert (await client.get("/me", headers=bearer(token))).status_code == 200

    async with client_for(make_app(TokenVerifier(config), handlers=False)) as client:
        with pytest.raises(Forbidden):
            await client.get("/office-only", headers=bearer(token))


def test_require_roles_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        require_roles()


def test_openapi_declares_bearer_scheme() -> None:
    schema = make_app(TokenVerifier(dev_config())).openapi()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": (
            "身份令牌（JWT），含角色、所属组织与管辖范围 / "
            "Bearer JWT carrying roles, org and jurisdiction"
        ),
    }
    assert schema["paths"]["/me"]["get"]["security"] == [{"bearerAuth": []}]

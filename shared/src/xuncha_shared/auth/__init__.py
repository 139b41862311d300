"""Authentication for every Xuncha service: bearer JWTs carrying role, org and jurisdiction.

Two modes, one code path (see ARCHITECTURE.md, "API conventions"):

* ``dev`` — embedded/dev runs and tests. Tokens are HS256 JWTs signed with a shared dev
  secret and minted by :func:`mint_dev_token` (the CLI wraps it).
* ``oidc`` — production. Tokens come from an OpenID Connect provider and are checked
  against its JWKS (fetched and cached by :class:`jwt.PyJWKClient`), issuer, audience and
  ``exp``/``nbf`` with leeway.

Either way the result is a :class:`Principal`. Every authentication failure raises
:class:`AuthError` (to become a 401 problem+json); a missing role raises :class:`Forbidden`
(a 403). Only route-level role checks live here: per-record authorization ("a group sees
its own assignments", "clue details only for the office and the recipient") belongs to
the services.

Nothing is built at import time: verifiers, JWKS clients and FastAPI security schemes are
created by the functions and classes below when a service starts.
"""

from xuncha_shared.auth.config import AuthConfig
from xuncha_shared.auth.dependencies import (
    PrincipalDependency,
    principal_dependency,
    require_roles,
)
from xuncha_shared.auth.errors import AuthError, Forbidden
from xuncha_shared.auth.jurisdictions import JurisdictionHierarchy, covers
from xuncha_shared.auth.roles import DEPARTMENT_ROLES, Principal, Role
from xuncha_shared.auth.tokens import TokenVerifier, mint_dev_token

__all__ = [
    "DEPARTMENT_ROLES",
    "AuthConfig",
    "AuthError",
    "Forbidden",
    "JurisdictionHierarchy",
    "Principal",
    "PrincipalDependency",
    "Role",
    "TokenVerifier",
    "covers",
    "mint_dev_token",
    "principal_dependency",
    "require_roles",
]

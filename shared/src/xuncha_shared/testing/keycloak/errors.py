"""The one error of the Keycloak test helper."""

from __future__ import annotations


class KeycloakError(RuntimeError):
    """Keycloak could not be installed or started, or refused a token request."""

"""A real OpenID Connect provider for the tests: Keycloak's server distribution, no Docker.

Like the Kafka broker (:mod:`xuncha_shared.testing.kafka_broker`), Keycloak comes from Maven
Central: ``org.keycloak:keycloak-quarkus-dist:<version>:zip`` is copied with the Maven
dependency plugin and unpacked into ``var/keycloak/keycloak-<version>`` (kept out of git).
:class:`KeycloakServer` runs ``bin/kc.sh start-dev`` on a free loopback port with the realm
of ``realm.json`` in this package imported at start-up, and
:class:`KeycloakRealm` is what tests talk to (issuer, endpoints, a password grant).

Why the install step starts the server once: the first ``start-dev`` re-augments the
Quarkus application for the options it is given (about 40 s) and writes the result into
the distribution's ``lib/quarkus``. Doing it at install time keeps that cost out of test
runs, and no two test runs ever write into the distribution. Every start must therefore
pass the same build options (:data:`BUILD_OPTIONS`), or the next start augments again.

The realm's data lives in memory (``--db=dev-mem``) and is imported afresh at every start;
everything else a start writes (the transaction log, the realm file it imports) goes to
the server's own work directory.

The realm ``henan`` stores a person's full Chinese name in ``firstName`` and leaves
``lastName`` empty, so that Keycloak's ``name`` claim is ``马春华`` rather than the
"given family" order ``春华 马`` it would build from two parts. Its user profile declares
``jurisdiction``, ``org`` and ``xuncha_roles``: Keycloak 26 drops user attributes that the
profile does not know, and declared ones can be made editable by administrators only (a
person must not change their own jurisdiction in the account console).

Modules: :mod:`.realm` the realm and :class:`KeycloakRealm`, :mod:`.server`
:class:`KeycloakServer`, :mod:`.install` :func:`ensure_distribution`, :mod:`.errors`
:class:`KeycloakError`, :mod:`.cli` the command line.

Command line::

    python -m xuncha_shared.testing.keycloak install
    python -m xuncha_shared.testing.keycloak run --port 8180
"""

from __future__ import annotations

from xuncha_shared.testing.keycloak.cli import main
from xuncha_shared.testing.keycloak.errors import KeycloakError
from xuncha_shared.testing.keycloak.install import ensure_distribution, is_installed
from xuncha_shared.testing.keycloak.realm import (
    AUDIENCE,
    CLIENT_ID,
    PASSWORD,
    REALM_FILE,
    KeycloakRealm,
)
from xuncha_shared.testing.keycloak.server import KEYCLOAK_VERSION, KeycloakServer, default_home

__all__ = [
    "AUDIENCE",
    "CLIENT_ID",
    "KEYCLOAK_VERSION",
    "PASSWORD",
    "REALM_FILE",
    "KeycloakError",
    "KeycloakRealm",
    "KeycloakServer",
    "default_home",
    "ensure_distribution",
    "is_installed",
    "main",
]

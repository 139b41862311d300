"""Tokens signed with the embedded run's dev key by the command line (``xuncha token``,
``xuncha demo``) carry the audience the embedded run requires, so the run accepts them."""

from __future__ import annotations

from pathlib import Path

from xuncha_shared.auth import Role, mint_dev_token
from xuncha_shared.auth.tokens import TokenVerifier

from xuncha.embedded import EmbeddedPaths, dev_auth, platform_auth


async def test_a_token_minted_with_the_dev_key_is_accepted_by_the_embedded_run(
    tmp_path: Path,
) -> None:
    paths = EmbeddedPaths(tmp_path / "var")
    minted_by_the_cli = mint_dev_token(
        dev_auth(paths),
        subject="office-dev",
        roles=[Role.office],
        jurisdiction="410825",
    )
    run = platform_auth("http://127.0.0.1:8000", dev_auth(paths).dev_secret)
    principal = await TokenVerifier(run).verify(minted_by_the_cli)
    assert principal.subject == "office-dev"
    assert Role.office in principal.roles

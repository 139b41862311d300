"""``python -m xuncha_shared.testing.keycloak``: see :mod:`.cli`."""

from xuncha_shared.testing.keycloak.cli import main

raise SystemExit(main())

"""``python -m xuncha_shared.events.docs``: write the event docs, or ``--check`` them."""

from xuncha_shared.events.docs import main

raise SystemExit(main())

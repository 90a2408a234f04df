from __future__ import annotations

from infralint.cli import main

raise SystemExit(main())

"""Allow ``python -m cwlint``."""

from cwlint.cli import main

raise SystemExit(main())

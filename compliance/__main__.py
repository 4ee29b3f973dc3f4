"""Command line: `python -m compliance check|eval|bench`."""

from compliance.cli import main

raise SystemExit(main())

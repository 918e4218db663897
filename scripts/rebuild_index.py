#!/usr/bin/env python3
"""Rebuild the index from a checkout: the same as `newsfacet-index` (see --help)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

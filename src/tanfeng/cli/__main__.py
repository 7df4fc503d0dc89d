"""``python -m tanfeng.cli``: the same as the ``tanfeng`` command."""

import sys

from . import main

sys.exit(main())

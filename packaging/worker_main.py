"""Entry point of the frozen worker node (PyInstaller runs a script, not a console_script)."""

import sys

from worker_node.cli import main

sys.exit(main())

"""Entry point of the frozen console (PyInstaller runs a script, not a console_script)."""

import sys

from easysight_desktop.cli import main

sys.exit(main())

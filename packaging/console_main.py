"""Entry point of the frozen console (PyInstaller runs a script, not a console_script)."""

import multiprocessing
import sys

from easysight_desktop.cli import main

if __name__ == "__main__":
    # The wall's decoder processes are spawned: in a frozen app they start this same executable,
    # which must then run the decoder process, not a second console.
    multiprocessing.freeze_support()
    sys.exit(main())

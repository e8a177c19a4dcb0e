"""``python -m worker_node.simulator`` runs the same CLI as ``easysight-sim``."""

import sys

from worker_node.simulator.cli import main

sys.exit(main())

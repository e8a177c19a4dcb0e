"""Logging to the console and a rotating file, with passwords in URLs masked everywhere."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from worker_node.settings import mask_url

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class MaskSecrets(logging.Filter):
    """Rewrites each record's final text so no ``user:password@`` survives into a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_url(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(log_dir: Path | None, filename: str, level: str = "INFO") -> Path | None:
    """Console plus ``log_dir/filename`` (10 MB × 5); returns the file path, if any."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    mask = MaskSecrets()
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter(FORMAT))
    console.addFilter(mask)
    root.addHandler(console)
    path = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            path = log_dir / filename
            rotating = logging.handlers.RotatingFileHandler(
                path, maxBytes=10_000_000, backupCount=5, encoding="utf-8"
            )
        except OSError as exc:
            logging.getLogger(__name__).warning("cannot write logs to %s: %s", log_dir, exc)
            return None
        rotating.setFormatter(logging.Formatter(FORMAT))
        rotating.addFilter(mask)
        root.addHandler(rotating)
    logging.getLogger("aiormq").setLevel(logging.WARNING)
    logging.getLogger("aio_pika").setLevel(logging.WARNING)
    return path

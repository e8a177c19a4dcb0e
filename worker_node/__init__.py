"""EasySight worker node: consumes tasks, grabs frames, analyses them, reports results."""

__version__ = "0.1.0"

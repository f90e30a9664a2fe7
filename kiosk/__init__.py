"""Self-service terminal software for a street-level government convenience service center."""

__version__ = "0.1.0"

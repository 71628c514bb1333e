"""courtside: automated trading of Kalshi tennis match markets."""

__version__ = "0.1.0"

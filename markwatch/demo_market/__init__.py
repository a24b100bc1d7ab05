"""A local demo marketplace generated from real offers, with injected infringements and hostile pages."""

from markwatch.demo_market.server import DemoMarket

__all__ = ["DemoMarket"]

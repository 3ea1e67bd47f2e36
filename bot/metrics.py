"""Prometheus metrics, one registry per application (no import-time globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    """Counters and histograms the bot and its web server update."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "tongxin_updates_total", "Updates handled, by kind", ["kind"], registry=self.registry
        )
        self.latency = Histogram(
            "tongxin_handler_seconds",
            "Time to process one update",
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.errors = Counter(
            "tongxin_errors_total", "Errors raised by handlers", registry=self.registry
        )
        self.webhook_rejected = Counter(
            "tongxin_webhook_rejected_total",
            "Webhook requests refused, by reason",
            ["reason"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The exposition text for GET /metrics."""
        return generate_latest(self.registry)

"""Prometheus metrics, one registry per application (no import-time globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


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
        self.persistence_flush = Histogram(
            "tongxin_persistence_flush_seconds",
            "Time to write the changed conversation state to the database",
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
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

        self.outbox_depth = Gauge(
            "tongxin_outbox_depth",
            "Outbox messages waiting (pending) or being sent (sending), refreshed on scrape",
            ["status"],
            registry=self.registry,
        )
        self.outbox_sends = Counter(
            "tongxin_outbox_sends_total",
            "Outbox send outcomes: sent, retry, failed, invalid, unreachable, skipped",
            ["result"],
            registry=self.registry,
        )
        self.outbox_429 = Counter(
            "tongxin_outbox_429_total",
            "Times Telegram answered 429 Too Many Requests to the outbox pump",
            registry=self.registry,
        )

    def set_outbox_depth(self, depth: dict[str, int]) -> None:
        """Record how many outbox rows are pending and sending."""
        for status in ("pending", "sending"):
            self.outbox_depth.labels(status=status).set(depth.get(status, 0))

    def render(self) -> bytes:
        """The exposition text for GET /metrics."""
        return generate_latest(self.registry)

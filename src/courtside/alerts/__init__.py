"""Alerts to the places the trader's owner already looks (webhook, Telegram, Discord, Slack, ntfy, email),
configured by URL in COURTSIDE_ALERTS and sent through Apprise. See docs/alerts.md.

    alerts = Alerts.from_env(clock=clock, known_secrets=[key_id])   # or Alerts.from_urls("json://...")
    alerts.emit(OrderFilled(...))                                   # never blocks, never raises
    await alerts.aclose()                                           # flush within a deadline
"""

from courtside.alerts.destinations import SETTING, AppriseDestination, Destination, split_urls
from courtside.alerts.events import (
    EVENT_TYPES,
    AlertEvent,
    ApiFailures,
    DailySummary,
    FirstScan,
    ModelStale,
    OrderCancelled,
    OrderFilled,
    OrderOutcomeUnknown,
    OrderPlaced,
    Severity,
    StopReason,
    TradingResumed,
    TradingStopped,
)
from courtside.alerts.notifier import Alerts, AlertSettings, CloseReport, Message, Outcome
from courtside.alerts.policy import Rate
from courtside.alerts.scrub import Scrubber

__all__ = [
    "EVENT_TYPES",
    "SETTING",
    "AlertEvent",
    "AlertSettings",
    "Alerts",
    "ApiFailures",
    "AppriseDestination",
    "CloseReport",
    "DailySummary",
    "Destination",
    "FirstScan",
    "Message",
    "ModelStale",
    "OrderCancelled",
    "OrderFilled",
    "OrderOutcomeUnknown",
    "OrderPlaced",
    "Outcome",
    "Rate",
    "Scrubber",
    "Severity",
    "StopReason",
    "TradingResumed",
    "TradingStopped",
    "split_urls",
]

"""Onboarding (/start): consent, language, town, community, name, phone, then the main menu."""

from handlers.kit import Feature
from handlers.onboarding.flow import handlers

FEATURE = Feature(name="onboarding", handlers=handlers)

__all__ = ["FEATURE"]

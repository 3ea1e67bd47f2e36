"""Onboarding: the registration steps, each saved at once, and where a registration stands."""

from models.onboarding.registration import (
    Registration,
    choose_community,
    choose_language,
    choose_town,
    finish_registration,
    give_consent,
    give_name,
    give_phone,
    refuse_consent,
    registration,
)

__all__ = [
    "Registration",
    "choose_community",
    "choose_language",
    "choose_town",
    "finish_registration",
    "give_consent",
    "give_name",
    "give_phone",
    "refuse_consent",
    "registration",
]

"""A resident's settings and privacy rights: preferences, /mydata export, /deleteme erasure."""

from models.settings.preferences import (
    CommunityChoices,
    SettingsView,
    TopicChange,
    change_language,
    change_phone,
    community_choices,
    move_home,
    rename,
    set_elder_mode,
    settings_view,
    switch_topic,
    town_choices,
)
from models.settings.privacy import erase_person, export_person
from models.settings.summary import DataSummary, MyData, data_summary, my_data

__all__ = [
    "CommunityChoices",
    "DataSummary",
    "MyData",
    "SettingsView",
    "TopicChange",
    "change_language",
    "change_phone",
    "community_choices",
    "data_summary",
    "erase_person",
    "export_person",
    "move_home",
    "my_data",
    "rename",
    "set_elder_mode",
    "settings_view",
    "switch_topic",
    "town_choices",
]

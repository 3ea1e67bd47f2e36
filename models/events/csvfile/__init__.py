"""events.csv and registrations.csv for operators (``tongxin import`` / ``tongxin export``),
following the catalogue files' conventions (docs/catalogue-csv.md): ``columns`` (the cells'
text forms), ``rows`` (a row to the event it describes), ``checks`` (what a row may change on
an event as it is), ``importing`` and ``exporting``."""

from models.events.csvfile.exporting import (
    REGISTRATION_COLUMNS,
    export_events,
    export_registrations,
)
from models.events.csvfile.importing import import_events, is_events_file

__all__ = [
    "REGISTRATION_COLUMNS",
    "export_events",
    "export_registrations",
    "import_events",
    "is_events_file",
]

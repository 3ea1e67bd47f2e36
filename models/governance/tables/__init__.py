"""The governance tables, one module per part; import them from ``models.governance``."""

from models.governance.tables.roster import StaffSecondment
from models.governance.tables.suggestions import Suggestion

__all__ = ["StaffSecondment", "Suggestion"]

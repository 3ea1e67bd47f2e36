"""The governance tables, one module per part; import them from ``models.governance``."""

from models.governance.tables.roster import StaffSecondment

__all__ = ["StaffSecondment"]

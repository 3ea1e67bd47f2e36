"""Governance: suggestions, ratings, participation statistics, the joint meeting, the roster.

It reads the other domains' rows (bookings, registrations, cases, ratings) but never changes
them; its own tables are in ``models.governance.tables``.
"""

"""Alembic migrations (async env). One revision per schema change."""

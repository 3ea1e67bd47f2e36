"""Governance's tables, one module per part (each part's module is imported by its models)."""

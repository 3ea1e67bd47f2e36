"""Governance's periodic jobs, one module per part (each part's ``Feature`` lists its ``JOBS``)."""

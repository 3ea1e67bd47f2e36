"""The monthly participation digest (placeholder until written)."""

from jobs import Job

JOBS: list[Job] = []

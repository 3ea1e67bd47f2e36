"""Periodic jobs on PTB's JobQueue; everything they act on lives in the database.

A domain declares its jobs as ``Job`` values in ``jobs/<domain>.py`` and lists them in its
``Feature``; the registry schedules each once, by name.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from bot.context import TongxinContext

JobCallback = Callable[[TongxinContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Job:
    """A repeating job: a unique name, what it runs, how often, and when first."""

    name: str
    callback: JobCallback
    every: timedelta
    first: timedelta = timedelta(seconds=5)
    data: Callable[[], object] | None = None  # a fresh ``job.data`` each time it is scheduled


def schedule(job_queue: JobQueue | None, jobs: Iterable[Job]) -> None:  # type: ignore[type-arg]
    """Put each job on the queue once (a job already there under its name is kept)."""
    if job_queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    for job in jobs:
        if not job_queue.get_jobs_by_name(job.name):
            job_queue.run_repeating(
                job.callback,
                interval=job.every,
                first=job.first,
                name=job.name,
                data=job.data() if job.data is not None else None,
                # Each job sweeps rows in the database: a late run is merged, never overlapped.
                job_kwargs={"max_instances": 1, "coalesce": True},
            )

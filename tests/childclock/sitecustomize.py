"""Pins the clock of Python child processes that tests start (``tongxin worker``, ``demo`` …).

tests/conftest.py puts this directory on PYTHONPATH and sets PYTEST_TONGXIN_CLOCK_SHIFT_NS to
(pinned time − real time) in nanoseconds, so a child's wall clock reads what the test's reads,
and flows on from there. Nothing happens without that variable. Whatever ``sitecustomize`` the
interpreter would otherwise have imported (Debian ships one) is run afterwards.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys

SHIFT = "PYTEST_TONGXIN_CLOCK_SHIFT_NS"


def _pin() -> None:
    shift = os.environ.get(SHIFT)
    if not shift:
        return
    import time

    import time_machine

    time_machine.travel((time.time_ns() + int(shift)) / 1e9, tick=True).start()


def _chain() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


_pin()
_chain()

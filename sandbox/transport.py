"""In-process PTB transport: a ``telegram.Bot`` talking straight to a :class:`SandboxState`."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import unquote

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from sandbox.core import FileTuple, SandboxTimeout
from sandbox.state import SandboxState

logger = logging.getLogger(__name__)

_FILE_RE = re.compile(r"/file/bot([^/]+)/(.+)$")
_API_RE = re.compile(r"/bot([^/]+)/([^/?]+)$")
_NOT_FOUND = b'{"ok":false,"error_code":404,"description":"Not Found"}'


class SandboxRequest(BaseRequest):
    """A ``BaseRequest`` that executes Bot API calls against an in-memory sandbox.

    Pass it to ``Bot(token, request=SandboxRequest(state))`` or to ``ApplicationBuilder()
    .request(...).get_updates_request(...)``. A 'timeout' fault raises ``TimedOut`` at once.
    """

    def __init__(self, state: SandboxState, read_timeout: float | None = 5.0) -> None:
        self.state = state
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only reported; calls never block on I/O)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route a Bot API call or a file download to the sandbox."""
        file_match = _FILE_RE.search(url)
        if file_match:
            data = self.state.file_bytes(unquote(file_match.group(2)))
            return (404, _NOT_FOUND) if data is None else (200, data)
        api_match = _API_RE.search(url)
        if api_match is None:
            return 404, _NOT_FOUND
        token, api_method = api_match.group(1), api_match.group(2)
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files: dict[str, FileTuple] = {}
        if request_data is not None and request_data.contains_files:
            for name, field in request_data.multipart_data.items():
                files[name] = _file_tuple(field)
        try:
            status, body = await self.state.call(
                token, api_method, params, files, simulate_timeout=False
            )
        except SandboxTimeout as exc:
            raise TimedOut(f"Timed out (sandbox fault on {exc})") from exc
        return status, json.dumps(body, ensure_ascii=False).encode()


def _file_tuple(field: Any) -> FileTuple:
    filename = str(field[0]) if field[0] else "file"
    content = field[1]
    if hasattr(content, "read"):
        content = content.read()
    mime = str(field[2]) if len(field) > 2 and field[2] else "application/octet-stream"
    return filename, bytes(content), mime

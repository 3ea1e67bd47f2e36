"""The outbox sends a payload's voice note and document (a relayed voice note reaches the other
side as a voice message, captioned by the text naming the case)."""

from __future__ import annotations

from bot.context import Services
from sandbox.state import SandboxState
from tests.core.outbox_support import RecordingRequest, add_rows, as_received, make_pump, notice


async def test_voice_and_document_go_with_their_caption(services: Services) -> None:
    state = SandboxState()
    state.user(3201)
    state.user(3202)
    voice = state.store_file("voice", b"OggS-fake", None, "audio/ogg").file_id
    doc = state.store_file("document", b"PK-docx", "a.docx", "application/msword").file_id
    await add_rows(services, [3201], payload=notice("语音留言", voice=voice), key="v")
    await add_rows(services, [3202], payload=notice("协议书", document=doc), key="d")
    pump = make_pump(services, RecordingRequest(state))
    await pump.drain()
    await pump.close()
    [sent] = state.messages(3201)
    assert sent["kind"] == "voice" and sent["caption"] == as_received(services, "语音留言")
    [filed] = state.messages(3202)
    assert filed["kind"] == "document" and filed["caption"] == as_received(services, "协议书")

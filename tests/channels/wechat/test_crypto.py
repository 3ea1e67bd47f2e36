"""The message crypto agrees with wechatpy's WeChatCrypto both ways, and refuses what it must."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature as wechatpy_check_signature

from channels.wechat.crypto import (
    BadCiphertext,
    BadSignature,
    MessageCrypto,
    WrongAppId,
    check_signature,
    sign,
)
from channels.wechat.xml import read_xml, write_xml
from tests.channels.wechat.support import AES_KEY, APP_ID, TOKEN

OURS = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID)
THEIRS = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
TEXT = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[明天]]></Content></xml>"


def test_url_signature_matches_wechatpy() -> None:
    signature = sign(TOKEN, "1409304348", "xxxxxx")
    wechatpy_check_signature(TOKEN, signature, "1409304348", "xxxxxx")  # raises if different
    check_signature(TOKEN, signature, "1409304348", "xxxxxx")
    with pytest.raises(BadSignature):
        check_signature(TOKEN, signature, "1409304349", "xxxxxx")
    with pytest.raises(BadSignature):
        check_signature("other-token", signature, "1409304348", "xxxxxx")


def test_we_open_what_wechatpy_seals() -> None:
    sealed = read_xml(THEIRS.encrypt_message(TEXT, "nonce123", "1409304348"))
    opened = OURS.open(
        msg_signature=sealed["MsgSignature"],
        timestamp="1409304348",
        nonce="nonce123",
        encrypted=sealed["Encrypt"],
    )
    assert opened == TEXT


def test_wechatpy_opens_what_we_seal() -> None:
    encrypted = OURS.encrypt(TEXT)
    envelope = write_xml({"ToUserName": "gh_1", "Encrypt": encrypted})
    signature = OURS.signature("1409304348", "nonce123", encrypted)
    assert THEIRS.decrypt_message(envelope, signature, "1409304348", "nonce123") == TEXT
    with pytest.raises(InvalidSignatureException):
        THEIRS.decrypt_message(envelope, "0" * 40, "1409304348", "nonce123")


def test_other_app_id_is_refused_both_ways() -> None:
    other = MessageCrypto(token=TOKEN, encoding_aes_key=AES_KEY, app_id="wxOTHER")
    with pytest.raises(WrongAppId):
        OURS.decrypt(other.encrypt(TEXT))
    envelope = write_xml({"Encrypt": (sealed := other.encrypt(TEXT))})
    with pytest.raises(InvalidAppIdException):
        THEIRS.decrypt_message(envelope, other.signature("1", "n", sealed), "1", "n")


def test_bad_signature_bad_base64_and_bad_padding_are_typed() -> None:
    sealed = OURS.encrypt(TEXT)
    with pytest.raises(BadSignature):
        OURS.open(msg_signature="0" * 40, timestamp="1", nonce="n", encrypted=sealed)
    with pytest.raises(BadCiphertext):
        OURS.decrypt("not base64 !!")
    with pytest.raises(BadCiphertext):
        OURS.decrypt(base64.b64encode(b"short").decode())
    # Flipping a byte of the last block garbles the padding (or the length: typed as well).
    raw = bytearray(base64.b64decode(sealed))
    raw[-1] ^= 0x55
    with pytest.raises((BadCiphertext, WrongAppId)):
        OURS.decrypt(base64.b64encode(bytes(raw)).decode())


def test_padding_fills_32_byte_blocks() -> None:
    for size in range(0, 70):
        raw = base64.b64decode(OURS.encrypt("x" * size))
        assert len(raw) % 32 == 0
        assert OURS.decrypt(base64.b64encode(raw).decode()) == "x" * size


def test_a_malformed_aes_key_is_refused() -> None:
    with pytest.raises(ValueError):
        MessageCrypto(token=TOKEN, encoding_aes_key="short", app_id=APP_ID)
    with pytest.raises(ValueError):
        MessageCrypto(token=TOKEN, encoding_aes_key="!" * 43, app_id=APP_ID)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), nonce=st.text("abcdef0123456789", min_size=1, max_size=16))
def test_round_trips_with_wechatpy(text: str, nonce: str) -> None:
    xml = write_xml({"Content": text})
    assert OURS.decrypt(OURS.encrypt(xml)) == xml
    envelope = THEIRS.encrypt_message(xml, nonce, "1409304348")
    fields = read_xml(envelope)
    assert (
        OURS.open(
            msg_signature=fields["MsgSignature"],
            timestamp="1409304348",
            nonce=nonce,
            encrypted=fields["Encrypt"],
        )
        == xml
    )

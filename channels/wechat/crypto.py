"""WeChat Official Account message signatures and "safe mode" AES encryption (WXBizMsgCrypt).

The algorithm, as WeChat's message-encryption guide describes it:

- URL check and plain-mode POSTs: ``signature = sha1(''.join(sorted([token, timestamp,
  nonce])))`` in lowercase hex.
- Safe mode: ``msg_signature`` is the same sha1 over the four values token, timestamp, nonce
  and the ``Encrypt`` text, sorted.
- ``Encrypt`` is base64 of AES-256-CBC; key = base64-decode(EncodingAESKey + "="), 32 bytes;
  iv = key[:16]; PKCS#7 padding to 32-byte blocks (not AES's 16); the plaintext is 16 random
  bytes, the XML's length as 4 bytes big-endian, the XML (UTF-8), then the app id, which must
  match on decryption.

The cipher itself is the ``cryptography`` library's; only the framing is ours.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32-byte blocks
AES_KEY_LENGTH = 43  # characters of an EncodingAESKey
_RANDOM = 16
_LENGTH = struct.Struct(">I")


class CryptoError(Exception):
    """A WeChat message could not be verified or decrypted."""


class BadSignature(CryptoError):
    """The signature does not match the token and the message."""


class BadCiphertext(CryptoError):
    """The encrypted text is not base64, not whole blocks, badly padded or badly framed."""


class WrongAppId(CryptoError):
    """The message decrypts but names another Official Account's app id."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 over the parts sorted and joined, lowercase hex."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_signature(token: str, signature: str, timestamp: str, nonce: str) -> None:
    """Check a URL-check or plain-mode ``signature``; ``BadSignature`` when it differs."""
    if not hmac.compare_digest(sign(token, timestamp, nonce), signature.lower()):
        raise BadSignature("signature does not match")


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey; ``ValueError`` when malformed."""
    if len(encoding_aes_key) != AES_KEY_LENGTH:
        raise ValueError("the EncodingAESKey has 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("the EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError("the EncodingAESKey does not decode to 32 bytes")
    return key


class MessageCrypto:
    """Signs, encrypts and decrypts one Official Account's messages (token, key, app id)."""

    def __init__(self, *, token: str, encoding_aes_key: str, app_id: str) -> None:
        self._token = token
        self._key = aes_key(encoding_aes_key)
        self._app_id = app_id.encode("utf-8")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, xml: str, *, random: bytes | None = None) -> str:
        """The base64 ``Encrypt`` text of ``xml`` (``random``: the 16 leading bytes, for tests)."""
        body = xml.encode("utf-8")
        prefix = os.urandom(_RANDOM) if random is None else random
        if len(prefix) != _RANDOM:
            raise ValueError("the random prefix has 16 bytes")
        plain = prefix + _LENGTH.pack(len(body)) + body + self._app_id
        pad = BLOCK - len(plain) % BLOCK
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
        return base64.b64encode(sealed).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """The XML inside an ``Encrypt`` text; ``BadCiphertext`` or ``WrongAppId`` on failure."""
        try:
            sealed = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadCiphertext("not base64") from exc
        if not sealed or len(sealed) % 16:
            raise BadCiphertext("not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(sealed) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise BadCiphertext("bad padding")
        plain = plain[:-pad]
        if len(plain) < _RANDOM + _LENGTH.size:
            raise BadCiphertext("too short")
        (length,) = _LENGTH.unpack_from(plain, _RANDOM)
        start = _RANDOM + _LENGTH.size
        if start + length > len(plain):
            raise BadCiphertext("length beyond the text")
        if not hmac.compare_digest(plain[start + length :], self._app_id):
            raise WrongAppId("the message is for another app id")
        try:
            return plain[start : start + length].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadCiphertext("not UTF-8") from exc

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        """The ``msg_signature`` of an encrypted text."""
        return sign(self._token, timestamp, nonce, encrypted)

    def open(self, *, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> str:
        """Check ``msg_signature``, then decrypt; the typed errors above on failure."""
        expected = self.signature(timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise BadSignature("msg_signature does not match")
        return self.decrypt(encrypted)

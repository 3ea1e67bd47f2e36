"""The check-in QR code as a PNG, byte for byte what segno writes, in a tenth of the time.

A receipt sent in a reply and one sent through the outbox (``jobs.rendering``: a payload's
``"qr"``) draw the same code of the same deep link, so it lives here, below both.

segno builds each PNG row pixel by pixel in Python (about 2.3 ms for a 450 px code, 5 % of a
busy morning's CPU in ``bench/mixed.py``). The picture is a black-and-white grid, so whole rows
can be built with string and integer operations instead. The output is identical to
``segno.QRCode.save(kind="png", scale=…, border=…, compresslevel=…)`` (a test compares them):
1-bit greyscale, a scanline per module row followed by "same as above" rows.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import segno

# A check-in link (t.me/<bot, up to 32 characters>?start=ci_<16>) fits version 5 at level M;
# fixing the version and the mask spares segno trying every version and all 8 masks (~5 ms).
QR_VERSION, QR_MASK = 5, 0
SCALE, BORDER, COMPRESSLEVEL = 10, 4, 6


def qr_code(link: str) -> segno.QRCode:
    """The QR code of ``link``: version 5, mask 0, unless the link is unusually long."""
    try:
        return segno.make(link, error="m", version=QR_VERSION, mask=QR_MASK, boost_error=False)
    except segno.DataOverflowError:  # let segno choose
        return segno.make(link, error="m")


def _chunk(name: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))


def _packed(bits: str) -> bytes:
    """'0'/'1' pixels (1 = white) packed eight to a byte, the last byte padded with 0."""
    padded = bits + "0" * (-len(bits) % 8)
    return int(padded, 2).to_bytes(len(padded) // 8, "big")


def qr_png_bytes(
    code: segno.QRCode, scale: int = SCALE, border: int = BORDER, level: int = COMPRESSLEVEL
) -> bytes:
    """``code`` as a black-on-white PNG with ``border`` quiet modules, ``scale`` px a module."""
    width = int(code.symbol_size(scale=1, border=border)[0]) * scale
    side = "1" * border * scale
    blank = b"\0" + _packed("1" * width)
    repeat = (b"\2" + bytes(len(blank) - 1)) * (scale - 1)  # PNG filter "Up": same as above
    rows = [blank * border * scale]
    for row in code.matrix:
        pixels = "".join("0" * scale if dark else "1" * scale for dark in row)
        rows.append(b"\0" + _packed(side + pixels + side) + repeat)
    rows.append(blank * border * scale)
    header = struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0)
    return b"".join(
        (
            b"\211PNG\r\n\032\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(b"".join(rows), level)),
            _chunk(b"IEND", b""),
        )
    )


# A booking's code is drawn for its receipt, again on its screen in "my bookings", and for a
# proxy's resident; a PNG is about 1 KB, so the last few hundred are kept.
@lru_cache(maxsize=512)
def qr_image(link: str) -> bytes:
    """A large, high-contrast QR code of ``link`` as PNG bytes."""
    return qr_png_bytes(qr_code(link))


def start_link(bot_username: str, start: str) -> str:
    """The deep link that opens the bot with ``/start <start>`` (a scan opens the check-in)."""
    return f"https://t.me/{bot_username}?start={start}"

"""The check-in QR code as a 1-bit PNG, drawn by zxing-cpp's C++ encoder.

A receipt sent in a reply and one sent through the outbox (``jobs.rendering``: a payload's
``"qr"``) draw the same code of the same deep link, so it lives here, below both.

A booking confirm draws one code, on the update path. segno (pure Python) took about 2 ms with
a fixed version and mask and 10 ms without; zxing-cpp takes about 0.25 ms with them fixed, so
the code is drawn by zxing-cpp (a well-kept C++ library that also reads codes: the tests read
every code back with it). The PNG is written here, not by an imaging library: the picture is a
black-and-white grid, so a 1-bit greyscale image with one scanline per module row, followed by
"same as above" rows, is both tiny (about 1 KB) and cheap to write.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import zxingcpp

# A check-in link (t.me/<bot, up to 32 characters>?start=ci_<16>) fits version 5 at level M;
# fixing the version and the mask spares the encoder trying every version and all 8 masks.
QR_VERSION, QR_MASK, QR_LEVEL = 5, 0, "M"
SCALE, BORDER, COMPRESSLEVEL = 10, 4, 6
_WHITE_AS_ONE = bytes.maketrans(b"\x00\xff", b"01")  # dark module -> '0' (black), light -> '1'


def qr_modules(link: str) -> list[bytes]:
    """The code's module rows, one byte a module (0 dark, 255 light), without the quiet zone.

    Version 5, mask 0 and level M unless the link is unusually long; then the encoder chooses.
    """
    try:
        barcode = zxingcpp.create_barcode(
            link,
            zxingcpp.BarcodeFormat.QRCode,
            ec_level=QR_LEVEL,
            version=QR_VERSION,
            data_mask=QR_MASK,
        )
    except ValueError:  # "Input too long for Version 5-M"
        barcode = zxingcpp.create_barcode(link, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_LEVEL)
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    side = int(image.shape[1])
    pixels = bytes(image)  # type: ignore[call-overload]  # the stubs omit its buffer protocol
    return [pixels[row : row + side] for row in range(0, len(pixels), side)]


def _chunk(name: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))


def _packed(bits: str) -> bytes:
    """'0'/'1' pixels (1 = white) packed eight to a byte, the last byte padded with 0."""
    padded = bits + "0" * (-len(bits) % 8)
    return int(padded, 2).to_bytes(len(padded) // 8, "big")


def qr_png_bytes(
    modules: list[bytes], scale: int = SCALE, border: int = BORDER, level: int = COMPRESSLEVEL
) -> bytes:
    """``modules`` as a black-on-white PNG with ``border`` quiet modules, ``scale`` px each."""
    width = (len(modules) + 2 * border) * scale
    side = "1" * border * scale
    blank = b"\0" + _packed("1" * width)
    repeat = (b"\2" + bytes(len(blank) - 1)) * (scale - 1)  # PNG filter "Up": same as above
    rows = [blank * border * scale]
    for row in modules:
        pixels = "".join(bit * scale for bit in row.translate(_WHITE_AS_ONE).decode())
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
    return qr_png_bytes(qr_modules(link))


def start_link(bot_username: str, start: str) -> str:
    """The deep link that opens the bot with ``/start <start>`` (a scan opens the check-in)."""
    return f"https://t.me/{bot_username}?start={start}"

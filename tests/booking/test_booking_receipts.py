"""The receipt's check-in QR code: a fixed version and mask for every link a bot can make, as a
small 1-bit PNG that reads back as the link."""

from __future__ import annotations

import struct
import zlib

import zxingcpp

from handlers.booking.receipts import checkin_link
from jobs.qr import BORDER, QR_MASK, QR_VERSION, SCALE, qr_image, qr_modules


def decoded_png(png: bytes) -> tuple[int, bytes]:
    """The PNG's side and its pixels, a byte each (0 black, 255 white): only what qr_png_bytes
    writes is understood (1-bit greyscale, filters None and Up), and anything else fails."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour, _, _, interlace = struct.unpack(">2I5B", png[16:29])
    assert (width == height, depth, colour, interlace) == (True, 1, 0, 0)
    idat_length = struct.unpack(">I", png[33:37])[0]
    assert png[37:41] == b"IDAT"
    raw = zlib.decompress(png[41 : 41 + idat_length])
    stride = 1 + (width + 7) // 8
    rows: list[bytes] = []
    previous = bytes(stride - 1)
    for start in range(0, len(raw), stride):
        kind, line = raw[start], raw[start + 1 : start + stride]
        assert kind in (0, 2)
        line = bytes(a + b & 0xFF for a, b in zip(line, previous, strict=True)) if kind else line
        bits = "".join(f"{byte:08b}" for byte in line)[:width]
        rows.append(bytes(255 if bit == "1" else 0 for bit in bits))
        previous = line
    assert len(rows) == height
    return width, b"".join(rows)


def read_back(png: bytes) -> zxingcpp.Barcode:
    """The code in the PNG, read by zxing-cpp's reader."""
    side, pixels = decoded_png(png)
    image = memoryview(pixels).cast("B", (side, side))
    barcode = zxingcpp.read_barcode(
        image, formats=zxingcpp.barcode_formats_from_str("QRCode"), try_invert=False
    )
    assert barcode is not None and barcode.valid
    return barcode


def test_the_longest_check_in_link_fits_the_fixed_version_and_reads_back() -> None:
    longest = checkin_link("b" * 32, "c" * 16)  # Telegram usernames have at most 32 characters
    assert len(qr_modules(longest)) == 17 + 4 * QR_VERSION
    barcode = read_back(qr_image(longest))
    assert barcode.text == longest
    extra = barcode.extra
    assert isinstance(extra, dict)
    assert (extra["Version"], extra["DataMask"], extra["ECLevel"]) == (
        str(QR_VERSION),
        QR_MASK,
        "M",
    )


def test_the_png_is_large_high_contrast_and_small() -> None:
    link = checkin_link("tongxin_bot", "Zx8q0rT3vLm5Pn2B")
    png = qr_image(link)
    side, pixels = decoded_png(png)
    assert side == (17 + 4 * QR_VERSION + 2 * BORDER) * SCALE == 450
    assert set(pixels) == {0, 255}
    assert pixels[: BORDER * SCALE * side] == b"\xff" * (BORDER * SCALE * side)  # quiet zone
    assert len(png) < 2000
    assert read_back(png).text == link


def test_an_unusually_long_link_still_gets_a_code() -> None:
    link = "https://example.org/" + "x" * 200
    assert len(qr_modules(link)) > 17 + 4 * QR_VERSION
    assert read_back(qr_image(link)).text == link

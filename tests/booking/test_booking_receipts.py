"""The receipt's check-in QR code: a fixed version and mask for every link a bot can make,
written as the very PNG segno would write."""

from __future__ import annotations

import io

from handlers.booking.receipts import checkin_link
from jobs.qr import (
    BORDER,
    COMPRESSLEVEL,
    QR_MASK,
    QR_VERSION,
    SCALE,
    qr_code,
    qr_image,
    qr_png_bytes,
)


def test_the_longest_check_in_link_fits_the_fixed_version() -> None:
    longest = checkin_link("b" * 32, "c" * 16)  # Telegram usernames have at most 32 characters
    code = qr_code(longest)
    assert (code.version, code.mask, code.error) == (QR_VERSION, QR_MASK, "M")
    assert qr_image(longest).startswith(b"\x89PNG\r\n\x1a\n")


def test_an_unusually_long_link_still_gets_a_code() -> None:
    code = qr_code("https://example.org/" + "x" * 200)
    assert int(code.version) > QR_VERSION and code.error in ("M", "H", "Q")


def test_the_png_is_exactly_what_segno_writes() -> None:
    links = [checkin_link("b" * 32, "c" * 16), checkin_link("tongxin_bot", "Zx8q0rT3vLm5Pn2B")]
    for link in [*links, "https://example.org/" + "x" * 200]:
        code = qr_code(link)
        expected = io.BytesIO()
        code.save(expected, kind="png", scale=SCALE, border=BORDER, compresslevel=COMPRESSLEVEL)
        assert qr_png_bytes(code) == expected.getvalue()

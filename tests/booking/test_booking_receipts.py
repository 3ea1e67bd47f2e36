"""The receipt's check-in QR code: a fixed version and mask for every link a bot can make."""

from __future__ import annotations

from handlers.booking.receipts import QR_MASK, QR_VERSION, checkin_link, qr_code, qr_image


def test_the_longest_check_in_link_fits_the_fixed_version() -> None:
    longest = checkin_link("b" * 32, "c" * 16)  # Telegram usernames have at most 32 characters
    code = qr_code(longest)
    assert (code.version, code.mask, code.error) == (QR_VERSION, QR_MASK, "M")
    assert qr_image(longest).startswith(b"\x89PNG\r\n\x1a\n")


def test_an_unusually_long_link_still_gets_a_code() -> None:
    code = qr_code("https://example.org/" + "x" * 200)
    assert int(code.version) > QR_VERSION and code.error in ("M", "H", "Q")

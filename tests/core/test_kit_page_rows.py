"""``kit.page_rows``: under an inline list, "more" to the next page (round to the first) when
there is more than one page, then ⬅️ / 🏠 with the data given."""

from __future__ import annotations

from bot.i18n import load_catalogues
from handlers.kit import page_rows


def _more(page: int) -> str:
    return f"x:page:{page}"


def _rows(page: int, pages: int) -> list[list[tuple[str, str]]]:
    t = load_catalogues().translator("en")
    rows = page_rows(t, page, pages, _more, back="x:back", home="x:home")
    return [[(b.text, str(b.callback_data)) for b in row] for row in rows]


def test_one_page_has_only_back_and_home() -> None:
    assert _rows(0, 1) == [[("⬅️ Back", "x:back"), ("🏠 Main menu", "x:home")]]


def test_more_leads_to_the_next_page_and_from_the_last_to_the_first() -> None:
    more, nav = _rows(0, 3)
    assert more == [("➡️ More", "x:page:1")]
    assert [data for _label, data in nav] == ["x:back", "x:home"]
    assert _rows(2, 3)[0][0][1] == "x:page:0"

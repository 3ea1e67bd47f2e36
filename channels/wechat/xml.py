"""WeChat's XML, read safely and written: flat ``<xml>`` documents of CDATA fields.

Reading refuses any DTD, entity declaration or external reference (``defusedxml``), so no XXE
and no "billion laughs"; callers bound the size before parsing (``MAX_XML_BYTES`` here too).
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_XML_BYTES = 64 * 1024  # WeChat's messages are a few hundred bytes; a text is < 2 KB
MAX_FIELDS = 64


class BadXml(Exception):
    """The body is not a WeChat XML document (malformed, too big, or with a DTD or entities)."""


def read_xml(data: bytes | str, *, limit: int = MAX_XML_BYTES) -> dict[str, str]:
    """The top-level fields of a WeChat ``<xml>`` document, as text (nested ones flattened out)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > limit:
        raise BadXml("document too large")
    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BadXml(f"not well-formed or not allowed: {type(exc).__name__}") from exc
    if root.tag != "xml":
        raise BadXml("the root element is not <xml>")
    children = list(root)
    if len(children) > MAX_FIELDS:
        raise BadXml("too many fields")
    return {child.tag: (child.text or "").strip() for child in children if len(child) == 0}


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_xml(fields: Mapping[str, str | int]) -> str:
    """A WeChat ``<xml>`` document: numbers as they are, text in CDATA."""
    parts = ["<xml>"]
    for name, value in fields.items():
        if not name.isidentifier():
            raise ValueError(f"not an XML field name: {name!r}")
        body = str(value) if isinstance(value, int) else _cdata(value)
        parts.append(f"<{name}>{body}</{name}>")
    parts.append("</xml>")
    return "".join(parts)

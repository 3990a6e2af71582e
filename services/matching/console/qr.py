"""QR codes (segno) for the address that opens a posting: the configured public base URL + its id."""

import uuid

import segno


def posting_url(base_url: str, posting_id: uuid.UUID | str) -> str:
    return f"{base_url.rstrip('/')}/{posting_id}"


def svg(data: str, title: str) -> str:
    """An inline SVG of the code, dark on white, with a quiet zone and an accessible title."""
    code = segno.make(data, error="m", micro=False)
    return str(code.svg_inline(scale=4, border=4, dark="#000", light="#fff", title=title, omitsize=True))

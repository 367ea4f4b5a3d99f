"""Record ids: lower-case ASCII slugs made from names, and meeting ids unique without coordination."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 48
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Device names Windows will not open as files, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# Letters NFKD does not take apart into ASCII.
_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                           "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "œ": "oe", "Œ": "OE", "ı": "i"})


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """Turn any text into a bounded slug of lower-case ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    if not slug:
        # Nothing transliterates (e.g. a name in CJK script): a stable short hash keeps it unique.
        import hashlib
        slug = "x-" + hashlib.sha1(unicodedata.normalize("NFC", text).encode()).hexdigest()[:8]
    if slug in _RESERVED:
        slug += "-x"
    return slug


def is_valid_id(text: str) -> bool:
    """True when `text` is a well-formed record id (and so a safe file name)."""
    return len(text) <= 120 and bool(ID_RE.match(text)) and text not in _RESERVED


def meeting_id(date_text: str, slug_source: str, token: str | None = None) -> str:
    """A meeting id `<date>-<slug>-<4 hex>`: readable, and unique across clones without coordination."""
    import secrets
    slug = slugify(slug_source, max_length=32)
    return f"{date_text}-{slug}-{token or secrets.token_hex(2)}"

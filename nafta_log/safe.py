"""Untrusted text made harmless for terminals: control, bidi and other invisible characters shown as escapes."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# A pattern, not a compiled regex: re compiles it (and caches it) the first time JSON is printed, not at import.
_JSON_UNSAFE = ("[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029"
                "\u2060-\u206f\ufeff\ufff9-\ufffb]")


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str | None, keep: str = "") -> str:
    """`text` with every control, format (bidi) and separator character written as a visible escape.

    Characters in `keep` (e.g. "\\n" for a multi-line summary) are left as they are.
    """
    if not text:
        return ""
    if text.isprintable() and not keep:
        return text
    return "".join(
        c if c in keep or (c.isprintable() and unicodedata.category(c) not in _UNSAFE_CATEGORIES) or c == " "
        else _escape(c)
        for c in text
    )


def json_safe(dumped: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with invisible and bidi characters as \\u escapes."""
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", dumped)

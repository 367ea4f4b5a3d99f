"""Changing existing TOML files in place with tomlkit: comments, key order, formatting and unknown keys are kept.

tomli-w (through tomltext.dumps) writes new files; everything that rewrites a file a person may have edited by hand
goes through here, and only the keys that change are touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, MutableMapping

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, Whitespace

from nafta_log.errors import NaftaLogError
from nafta_log.model import PartialDate


def parse(raw: bytes, path: Path) -> tomlkit.TOMLDocument:
    """The editable document of a file's bytes (accepted by tomltext.decode); refuse what tomlkit cannot read."""
    try:
        return tomlkit.parse(raw.decode("utf-8"))
    except (TOMLKitError, UnicodeDecodeError, RecursionError) as exc:
        raise NaftaLogError(f"{path} cannot be changed in place ({type(exc).__name__}); change it in an editor. "
                            "Nothing was written") from None


def dumps(doc: tomlkit.TOMLDocument) -> str:
    """The document as text, untouched parts byte for byte as they were read."""
    return tomlkit.dumps(doc)


def set_value(table: MutableMapping[str, Any], key: str, value: Any) -> None:
    """Set `key`, keeping its place and its comment; None removes the key."""
    if value is None:
        if key in table:
            del table[key]
        return
    if isinstance(value, PartialDate):
        value = value.as_date() or str(value)
    if isinstance(value, str) and "\n" in value and "\r" not in value and '"""' not in value:
        value = tomlkit.string(value, multiline=True)
    old = table.get(key)
    if old is not None and not isinstance(value, tomlkit.items.Item) and _same(old, value):
        return
    table[key] = value


def _same(old: Any, new: Any) -> bool:
    """True when the stored value already equals the new one (so the line is left as it is)."""
    plain = old.unwrap() if hasattr(old, "unwrap") else old
    return type(plain) is type(new) and plain == new


def add_to_list(table: MutableMapping[str, Any], key: str, value: str) -> bool:
    """Append `value` to the list at `key` (made if absent) unless it is there; True if it was added."""
    arr = table.get(key)
    if arr is None:
        table[key] = [value]
        return True
    if not isinstance(arr, Array):
        raise TypeError(f"{key!r} is not a list")
    if value in arr:
        return False
    arr.append(value)
    return True


def remove_from_list(table: MutableMapping[str, Any], key: str, value: str) -> bool:
    """Remove every `value` from the list at `key`; True if any was there."""
    arr = table.get(key)
    if not isinstance(arr, Array):
        return False
    hits = [i for i, v in enumerate(arr) if v == value]
    for i in reversed(hits):
        del arr[i]
    return bool(hits)


def replace_in_list(table: MutableMapping[str, Any], key: str, old: str, new: str) -> bool:
    """Replace `old` by `new` in the list at `key`, in place (a second copy of `new` is dropped); True if changed."""
    arr = table.get(key)
    if not isinstance(arr, Array) or old not in arr:
        return False
    present = new in arr
    for i in reversed([i for i, v in enumerate(arr) if v == old]):
        if present:
            del arr[i]
        else:
            arr[i] = new
            present = True
    return True


def append_table(doc: MutableMapping[str, Any], key: str, values: dict[str, Any]) -> None:
    """Append a table to the array of tables `key` ([[key]]), made at the end of the file if absent."""
    table = tomlkit.table()
    for k, v in values.items():
        if v is not None:
            set_value(table, k, v)
    existing = doc.get(key)
    if isinstance(existing, AoT):
        # The blank line after the last [[key]] separates it from what follows: it moves below the new one.
        previous = existing[-1].value.body
        if previous and previous[-1][0] is None and isinstance(previous[-1][1], Whitespace):
            table.add(previous.pop()[1])
        table.trivia.indent = "\n"
        existing.append(table)
    else:
        doc[key] = tomlkit.aot()
        doc[key].append(table)



def add_table(doc: MutableMapping[str, Any], parent: str, key: str, values: dict[str, Any]) -> None:
    """Add the table [parent.key] after the other tables of `parent` (made if absent), values in the given order."""
    table = tomlkit.table()
    for k, v in values.items():
        if v is not None:
            set_value(table, k, v)
    if parent not in doc:
        doc[parent] = tomlkit.table(is_super_table=True)
    doc[parent][key] = table

"""Cleaning what public registries publish: mis-decoded characters, spacing, officials' names with their titles.

The rules are the ones a careful researcher applies by hand, written down so that every import applies them
the same way:

- text: C1 control characters left by reading cp1252 as latin-1 become the characters meant (`Prince\\x92s` ->
  `Prince’s`); UTF-8 read as cp1252 (`FÃ©dÃ©ration`) is decoded again when that gives valid UTF-8; no-break
  spaces, newlines and runs of spaces become one space.
- officials: honorifics (`Rt Hon`, `Mr`, `Sir`, ...) and post-nominals (`MP`, `QC`, `OBE`, ...) are dropped,
  and a job title glued to the name (`Minister of State, Brandon Lewis MP`, `Attorney General Dominic Grieve`)
  is split off as the role. Peers keep their rank, which is part of the name (`Lord Popat`), and spellings of
  one peerage are joined (`Lady Northover` is `Baroness Northover`; `Lord Popat` is `Lord Popat of Harrow`
  when the file names no other Lord Popat). Two people are one only when their cleaned names are equal:
  a shared surname never joins them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable, NamedTuple

from nafta_log.names import fold

_C1 = re.compile("[\u0080-\u009f]")
_CONTINUATION = "".join(sorted({bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xC0)}))
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{re.escape(_CONTINUATION)}]|[\u00e0-\u00ef][{re.escape(_CONTINUATION)}]{{2}}")
_SPACES = re.compile(r"\s+")


def repair(text: str) -> tuple[str, bool]:
    """`text` with mis-decoded characters repaired where the repair is unambiguous, and whether it was changed."""
    fixed = text
    if _C1.search(fixed):
        fixed = _C1.sub(_cp1252_char, fixed)
    if _MOJIBAKE.search(fixed):
        fixed = _MOJIBAKE.sub(_utf8_char, fixed)
    return fixed, fixed != text


def _utf8_char(match: re.Match[str]) -> str:
    """The character whose UTF-8 bytes were read as cp1252 ('Ã©' -> 'é'), or the text as it was."""
    raw = match.group()
    try:
        return raw.encode("cp1252").decode("utf-8")
    except UnicodeError:
        try:
            return raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return raw


def _cp1252_char(match: re.Match[str]) -> str:
    """The character a C1 control stands for when cp1252 bytes were read as latin-1 (kept when undefined)."""
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:
        return match.group()


def clean(text: str | None) -> str:
    """Trimmed text on one line: repaired, no-break spaces, newlines and runs of spaces made one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", repair(text)[0].replace("\u00a0", " ")).strip()


def clean_block(text: str | None) -> str:
    """Trimmed, repaired multi-line text: lines kept, spaces within each line collapsed."""
    if not text:
        return ""
    lines = [_SPACES.sub(" ", ln.replace("\u00a0", " ")).strip() for ln in repair(text)[0].splitlines()]
    return "\n".join(ln for ln in lines if ln)


# --- officials' names -----------------------------------------------------------------------------------

_HONORIFICS = re.compile(r"^(?:the |rt\.? ?hon\.? |right honourable |hon\.? |mr\.? |mrs\.? |ms\.? |miss |dr\.? |"
                         r"sir |dame |professor |prof\.? )+", re.IGNORECASE)
_POSTNOMINALS = {"mp", "qc", "qcmp", "kc", "obe", "cbe", "mbe", "dbe", "kbe", "kcb", "gcb", "cb", "frs", "freng",
                 "dl", "td", "pc", "msp", "mep", "am", "mla"}
_RANKS = {"lord": "Lord", "baroness": "Baroness", "barones": "Baroness", "lady": "Baroness", "earl": "Earl",
          "viscount": "Viscount", "countess": "Countess", "marquess": "Marquess", "duke": "Duke"}
_TITLE_WORDS = {"minister", "ministry", "secretary", "whip", "leader", "chief", "adviser", "advisor", "chamberlain",
                "permanent", "spokesman", "spokesperson", "state", "general", "deputy", "commons", "lords",
                "government", "parliamentary", "under", "director", "materiel", "chancellor", "president",
                "chairman", "chair", "treasurer", "comptroller", "captain", "paymaster", "solicitor", "attorney",
                "former", "prime", "household", "office", "department", "house", "advocate"}
_SPLIT = re.compile(r"\s*,\s*|\s+[-–—]\s+")


class Official(NamedTuple):
    """An official as a cell names them: the cleaned name (None when the cell names only an office) and title."""

    name: str | None
    title: str
    raw: str


def _strip_name(part: str) -> str:
    """A name part without honorifics and post-nominals."""
    words = _HONORIFICS.sub("", part.strip()).split()
    while words and words[-1].strip(".").lower() in _POSTNOMINALS:
        words.pop()
    while words and words[0].lower() == "the":
        words.pop(0)
    return " ".join(words)


def _words(text: str) -> list[str]:
    """The lower-case words of a part, split at spaces, hyphens, slashes, brackets and '&'."""
    return [w.lower() for w in re.split(r"[\s\-/()&]+", text) if w]


def _is_name(part: str) -> bool:
    """True when a cleaned part reads as a person's name: a peer, or two to five capitalised words, no title words."""
    words = part.split()
    if not words or any(w in _TITLE_WORDS for w in _words(part)):
        return False
    if words[0].lower() in _RANKS and len(words) >= 2:
        return True
    return 2 <= len(words) <= 5 and all(w[:1].isupper() or w[:1] in "'’" for w in words)


def parse_official(cell: str) -> Official:
    """Split an official's cell into name and title: 'Rt Hon Philip Hammond, Secretary of State for ...'."""
    text = clean(cell)
    parts = [p for p in _SPLIT.split(text) if p]
    names = [(i, _strip_name(p)) for i, p in enumerate(parts) if _is_name(_strip_name(p))]
    if names:
        i, name = names[-1]
        title = ", ".join(p.strip(" ,(") for j, p in enumerate(parts) if j != i)
        return Official(_canonical_rank(name), title, cell)
    # A title glued to the name without a comma: 'Attorney General Dominic Grieve QC MP'.
    for i, part in enumerate(parts):
        words = _strip_name(part).split()
        for k in range(len(words) - 2, 0, -1):
            head, tail = words[:k], " ".join(words[k:])
            if head[-1].lower() in _TITLE_WORDS and _is_name(tail):
                title = ", ".join([*(p for p in parts[:i]), " ".join(head), *parts[i + 1:]])
                return Official(_canonical_rank(tail), title, cell)
    return Official(None, text, cell)


def _canonical_rank(name: str) -> str:
    """A peer's rank spelt one way ('Lady Northover' and 'Barones Northover' are 'Baroness Northover')."""
    first, _, rest = name.partition(" ")
    rank = _RANKS.get(first.lower())
    return f"{rank} {rest}" if rank and rest else name


class _Peerage(NamedTuple):
    """A peer's name taken apart: rank, peerage name and territorial designation."""

    rank: str
    title: str           # the peerage name: 'Ahmad' in 'Lord Tariq Ahmad of Wimbledon'
    territory: str | None


def _peerage(name: str) -> _Peerage | None:
    """The parts of a peer's name ('Lord Tariq Ahmad of Wimbledon'), or None for anyone else."""
    words = name.split()
    if len(words) < 2 or words[0] not in _RANKS.values():
        return None
    body, _, territory = " ".join(words[1:]).partition(" of ")
    return _Peerage(words[0], body.replace("-", " ").split()[-1], territory or None)


def _territory_key(territory: str) -> str:
    """A territorial designation folded for comparison ('St John's', 'St Johns' and 'St John' are one)."""
    return re.sub(r"['’]|s\b", "", fold(territory))


def group_names(names: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each cleaned name -> (the name of the person it denotes, every spelling of that person), joining peerages.

    A peer named with and without a territorial designation ('Lord Popat', 'Lord Popat of Harrow') or with a
    given name ('Lord Tariq Ahmad of Wimbledon') is one person when only one territory is known for that rank
    and peerage name; the shown name is the most common full spelling. Everyone else is grouped by exact name
    (ignoring case and accents).
    """
    counts = Counter(names)
    by_key: dict[tuple, list[str]] = defaultdict(list)
    peers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name in counts:
        p = _peerage(name)
        if p and p.territory:
            peers[(p.rank, fold(p.title))].add(_territory_key(p.territory))
    for name in counts:
        p = _peerage(name)
        if p:
            known = peers.get((p.rank, fold(p.title)), set())
            territory = _territory_key(p.territory) if p.territory else (next(iter(known)) if len(known) == 1 else "")
            by_key[("peer", p.rank, fold(p.title), territory)].append(name)
        else:
            by_key[("person", fold(name))].append(name)
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for spellings in by_key.values():
        full = [s for s in spellings if " of " in s] or spellings
        best = max(full, key=lambda s: (counts[s], -len(s.split()), s))
        ordered = tuple(sorted(spellings, key=lambda s: (s != best, s)))
        for s in spellings:
            out[s] = (best, ordered)
    return out

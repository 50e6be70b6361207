"""What every importer shares: the span read from a foreign file, and the span check.

Every span is checked against the stored text: ``text[start:end] == quote``.
When that fails, the offsets are repaired only by exact means:

1. the offsets read as UTF-16 code units (what JavaScript tools and
   Hypothesis count; they differ from code points after any character outside
   the Basic Multilingual Plane, such as an emoji) give the quote exactly; or
2. an exact search for the quote finds it once (or once with the given
   prefix/suffix around it).

Anything else is reported and the span is not coded.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from toolkit._io import loads_json
from toolkit.errors import DataError, Problem
from toolkit.records.annotation import OPTIONAL_FIELDS, SOURCES_FIELD
from toolkit.records.runs import Utf16Offsets, utf16_to_codepoint  # the one implementation, re-exported for the importers

__all__ = [
    "V2_FIELDS",
    "v2_fields",
    "read_v2",
    "Candidate",
    "SpanCheck",
    "Repair",
    "check_span",
    "utf16_to_codepoint",
    "clean_annotator",
    "decode_utf8",
    "normalise_fragment",
    "read_utf8",
    "ANNOTATION_ID",
    "DOCUMENT_URN",
    "ANNOTATION_URN",
]

Repair = Literal["exact", "utf16", "search"]
#: Our annotation ids: 12 lower-case hex digits.
ANNOTATION_ID = re.compile(r"^[0-9a-f]{12}$")
DOCUMENT_URN = "urn:summit-ledger:document:"
#: Codebook-2.0 fields of a mention that every format carries (in its own extension slot).
V2_FIELDS: tuple[str, ...] = tuple(f for f in OPTIONAL_FIELDS if f not in ("kind", SOURCES_FIELD))


def v2_fields(record: dict) -> dict[str, Any]:
    """The codebook-2.0 fields a record has (empty values left out), for writing."""
    return {
        k: list(record[k]) if k == "secondary_issues" else record[k] for k in V2_FIELDS if record.get(k) not in (None, "", [], ())
    }


def read_v2(obj: Any) -> dict[str, Any]:
    """The codebook-2.0 fields found in a format's extension slot (types are checked later)."""
    if not isinstance(obj, dict):
        return {}
    out = {k: obj[k] for k in V2_FIELDS if obj.get(k) not in (None, "")}
    sec = out.get("secondary_issues")
    if isinstance(sec, str):
        out["secondary_issues"] = [s.strip() for s in sec.split(";") if s.strip()]
    elif sec is not None and not isinstance(sec, list) and hasattr(sec, "tolist"):
        out["secondary_issues"] = list(sec.tolist())
    return out


ANNOTATION_URN = "urn:summit-ledger:annotation:"


@dataclass
class Candidate:
    """One span as read from a foreign file, before it is checked and coded.

    Attributes
    ----------
    file : str
        The file it came from.
    line : int or None
        1-based line (JSON Lines, CSV); None for JSON documents.
    where : str or None
        Path of the record inside the file, e.g. ``[0].annotations[1].result[2]``.
    start, end : object
        Offsets as the tool wrote them (checked later).
    quote : str or None
        The quoted text, if the tool gives it.
    text : str or None
        The tool's own copy of the whole document text, if any.
    document : str or None
        A document id named in the file.
    labels : list of str
        Labels to resolve through the label map.
    codes : dict
        Codes given directly (CSV columns).
    """

    file: str
    line: int | None
    where: str | None
    start: Any
    end: Any
    quote: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    text: str | None = None
    document: str | None = None
    labels: list[Any] = field(default_factory=list)
    codes: dict[str, Any] = field(default_factory=dict)
    annotator: str | None = None
    #: The tool's own identity of the annotator (an e-mail, user id, creator IRI) before it was made a name.
    annotator_source: str | None = None
    id: str | None = None
    note: str = ""
    created: str | None = None
    status: str = "anchored"
    #: Codebook-2.0 fields read from the file (see :data:`V2_FIELDS`); checked when the record is built.
    extra: dict[str, Any] = field(default_factory=dict)

    def at(self, name: str | None) -> str | None:
        """The field path of ``name`` inside this record."""
        if self.where and name:
            return f"{self.where}.{name}"
        return self.where or name


@dataclass(frozen=True)
class SpanCheck:
    """Outcome of :func:`check_span`.

    ``ok`` is True when ``start``/``end`` now select ``quote`` in the stored
    text; ``repair`` says how ("exact" means no repair was needed).
    """

    ok: bool
    start: int | None = None
    end: int | None = None
    repair: Repair | None = None
    message: str = ""


def candidate_type_problems(c: Candidate) -> list[Problem]:
    """Problems of a candidate whose fields have the wrong JSON type (a list or number where text belongs).

    Foreign files are parsed as plain JSON/CSV, so any field can hold any
    type; this is checked once, here, before anything uses the values.
    """
    out = []
    for name in ("quote", "prefix", "suffix", "text", "document", "id", "created", "note", "status"):
        v = getattr(c, name)
        if v is not None and not isinstance(v, str):
            out.append(Problem(c.file, c.line, c.at(name), f"expected text, got {type(v).__name__}"))
    for name in ("start", "end"):
        v = getattr(c, name)
        if v is not None and not _is_int(v):
            shown = repr(v) if len(repr(v)) <= 40 else repr(v)[:39] + "…"
            out.append(Problem(c.file, c.line, c.at(name), f"expected an integer offset, got {type(v).__name__} {shown}"))
    for i, label in enumerate(c.labels):
        if not isinstance(label, str):
            out.append(Problem(c.file, c.line, c.at(f"labels[{i}]"), f"expected a text label, got {type(label).__name__}"))
    return out[:1]


def normalise_fragment(s: str | None) -> str | None:
    """A quote from a foreign file, in the stored text's form (LF, NFC)."""
    if s is None:
        return None
    return unicodedata.normalize("NFC", s.replace("\r\n", "\n").replace("\r", "\n"))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_span(
    text: str, start: Any, end: Any, quote: str | None, prefix: str | None = None, suffix: str | None = None
) -> SpanCheck:
    """Check that ``text[start:end] == quote``; repair only by exact means.

    Parameters
    ----------
    text : str
        The stored document text.
    start, end : object
        Offsets as read (ints expected).
    quote : str or None
        The text the span should select. Without it nothing can be checked
        and the span is refused.
    prefix, suffix : str, optional
        Context used only to pick one of several exact occurrences.

    Returns
    -------
    SpanCheck
    """
    if quote is None or quote == "":
        return SpanCheck(
            False,
            message="no quoted text to check the offsets against; the file must give the span's text (or the document text)",
        )
    have_offsets = _is_int(start) and _is_int(end)
    if have_offsets and 0 <= start < end <= len(text) and text[start:end] == quote:
        return SpanCheck(True, start, end, "exact")
    if have_offsets and start >= 0 and end > start:
        units = Utf16Offsets(text)
        a, b = units.to_codepoint(start), units.to_codepoint(end)
        if a is not None and b is not None and text[a:b] == quote:
            return SpanCheck(
                True, a, b, "utf16", f"offsets [{start}:{end}] are UTF-16 code units; converted to code points [{a}:{b}]"
            )
    hits = []
    i = text.find(quote)
    while i >= 0:
        hits.append(i)
        i = text.find(quote, i + 1)
    if len(hits) > 1 and (prefix or suffix):
        narrowed = [
            h
            for h in hits
            if (not prefix or text[:h].endswith(prefix[-16:])) and (not suffix or text[h + len(quote) :].startswith(suffix[:16]))
        ]
        if narrowed:
            hits = narrowed
    given = f"[{start}:{end}]" if have_offsets else f"[{start!r}:{end!r}]"
    if have_offsets and (start < 0 or end > len(text) or end <= start):
        why = f"offsets {given} are out of range for a text of {len(text)} characters"
    elif have_offsets:
        why = f"text[{start}:{end}] is {text[start:end][:60]!r}, not the quote {quote[:60]!r}"
    elif start is None and end is None:
        why = "no offsets given"
    else:
        why = f"offsets {given} are not integers"
    if len(hits) == 1:
        a = hits[0]
        return SpanCheck(True, a, a + len(quote), "search", f"{why}; the quote occurs once, at [{a}:{a + len(quote)}]")
    if not hits:
        return SpanCheck(
            False,
            message=f"{why}, and the quote does not occur in the stored text; fix the offsets "
            "or the text (this span is not coded)",
        )
    return SpanCheck(
        False,
        message=f"{why}, and the quote occurs {len(hits)} times (at {', '.join(map(str, hits[:6]))}); "
        "give correct offsets (this span is not coded)",
    )


_BAD_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def clean_annotator(raw: Any) -> str | None:
    """An annotator name usable as a file name, from what a tool records.

    E-mail addresses and ``acct:user@host`` give their local part; accents
    are dropped (``José`` -> ``Jose``); other characters become ``-``. Returns None when nothing usable is left.
    """
    if raw is None or isinstance(raw, bool) or not isinstance(raw, (str, int)):
        return None
    s = str(raw).strip()
    if s.startswith("acct:"):
        s = s[5:]
    if "@" in s:
        s = s.split("@", 1)[0]
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = _BAD_NAME.sub("-", s).strip("-_")[:64]
    return s or None


def read_utf8(path: str | Path) -> str:
    """The text of an import file (a UTF-8 byte-order mark is allowed and dropped).

    Raises
    ------
    DataError
        If the file is empty, or not UTF-8 (naming the line of the first bad byte).
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw.startswith(b"PK\x03\x04"):
        raise DataError.at(
            path,
            None,
            None,
            "this is a zip archive, not a text file; only doccano's zip export is "
            "read as it is (import FORMAT doccano); unpack others first",
        )
    return decode_utf8(raw, str(path))


def decode_utf8(raw: bytes, where: str) -> str:
    """Decode the bytes of an import file named ``where`` (a byte-order mark is dropped).

    Raises
    ------
    DataError
        If there is nothing in it, or it is not UTF-8 (naming the line of the first bad byte).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise DataError.at(where, None, None, "the file is empty; there is nothing to import")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError.at(
            where, line, None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 and import it again"
        ) from None


def read_json(path: str | Path) -> tuple[Any, list[Problem]]:
    """Parse a JSON import file; a syntax error comes back as one problem naming its line and column."""
    try:
        return loads_json(read_utf8(path)), []
    except json.JSONDecodeError as exc:
        return None, [Problem(str(path), exc.lineno, None, f"not valid JSON ({exc.msg} at column {exc.colno})")]

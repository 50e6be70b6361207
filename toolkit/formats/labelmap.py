"""Labels of other tools -> Summit Ledger codes.

Two kinds of label are understood:

* **native tags**, which our own exports write: ``key:value`` pairs such as
  ``stance:grievance`` or ``issue:cyber``, possibly several joined with ``|``
  in one label (``stance:grievance|issue:cyber|actor:US|target:Russia|intensity:1``),
  for tools whose spans carry a single label (doccano). Keys are ``stance``,
  ``issue``, ``actor``, ``target``, ``intensity`` and ``summit``.
* **foreign labels**, looked up in a label-mapping YAML file::

      # labels.yaml
      labels:
        Grievance: {stance: grievance}
        Goodwill:  {stance: goodwill}
        CYBER:     {issue: cyber}
        "US accuses Russia": {actor: US, target: Russia}
        Date: null            # a label to ignore
      defaults:               # codes for fields no label sets
        intensity: 1

A foreign label that is neither native nor in the map is an error naming the
label; it is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit._io import read_yaml
from toolkit.errors import DataError, Problem
from toolkit.records.record import CODE_FIELDS, CODES  # CODE_FIELDS: the record fields a label may set

__all__ = [
    "CODE_FIELDS",
    "TAG_KEYS",
    "LABEL_LIMIT",
    "LabelMap",
    "load_label_map",
    "native_tags",
    "native_label",
    "compact_label",
    "parse_native",
]

#: Tag key -> record field.
TAG_KEYS: dict[str, str] = {
    "stance": "stance",
    "issue": "issue",
    "actor": "actor",
    "target": "target",
    "intensity": "intensity",
    "summit": "summit_id",
}
_FIELD_TAG = {v: k for k, v in TAG_KEYS.items()}
#: doccano refuses labels longer than this (its label ``text`` column holds 100 characters).
LABEL_LIMIT = 100
_CODE = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
_COMPACT = re.compile(rf"({_CODE})/({_CODE})/({_CODE})>({_CODE})/(\d+)(?:@({_CODE}))?")


def native_tags(record: dict, default_summit: str | None = None) -> list[str]:
    """The native tags of a record, in a fixed order.

    ``summit:<id>`` is included only when the record's summit differs from
    ``default_summit`` (the document's).
    """
    tags = [f"{_FIELD_TAG[f]}:{record[f]}" for f in CODES]
    if record.get("summit_id") and record.get("summit_id") != default_summit:
        tags.append(f"summit:{record['summit_id']}")
    return tags


def native_label(record: dict, default_summit: str | None = None) -> str:
    """All native tags of a record joined with ``|`` (one label per span)."""
    return "|".join(native_tags(record, default_summit))


def compact_label(record: dict, default_summit: str | None = None) -> str:
    """One short label for tools that give a span a single label of limited length (doccano).

    The form is ``stance/issue/actor>target/intensity``, with ``@summit`` added
    when the record's summit differs from ``default_summit``; for example
    ``grievance/cyber/US>Russia/1``. :func:`parse_native` reads it back.

    Raises
    ------
    ValueError
        When the label would be longer than :data:`LABEL_LIMIT` characters.
    """
    label = f"{record['stance']}/{record['issue']}/{record['actor']}>{record['target']}/{record['intensity']}"
    if record.get("summit_id") and record.get("summit_id") != default_summit:
        label += f"@{record['summit_id']}"
    if len(label) > LABEL_LIMIT:
        raise ValueError(
            f"annotation {record.get('id')!r}: its label {label!r} has {len(label)} characters, more than "
            f"the {LABEL_LIMIT} doccano accepts; shorten the codebook ids"
        )
    return label


def parse_native(label: str) -> dict[str, Any] | None:
    """Codes from a native label (``key:value|...`` tags or a compact label), or None when it is neither.

    ``intensity`` is returned as an int when it is made of digits.
    """
    m = _COMPACT.fullmatch(label.strip())
    if m:
        codes: dict[str, Any] = {"stance": m[1], "issue": m[2], "actor": m[3], "target": m[4], "intensity": int(m[5])}
        if m[6]:
            codes["summit_id"] = m[6]
        return codes
    out: dict[str, Any] = {}
    for part in label.split("|"):
        key, sep, value = part.partition(":")
        key = key.strip()
        if not sep or key not in TAG_KEYS or not value.strip():
            return None
        value = value.strip()
        fieldname = TAG_KEYS[key]
        if fieldname == "intensity" and value in ("1", "2", "3"):
            out[fieldname] = int(value)
        else:
            out[fieldname] = value
    return out


@dataclass(frozen=True)
class LabelMap:
    """A mapping from foreign labels to codes.

    Attributes
    ----------
    labels : dict of str to dict or None
        Label -> the codes it sets (``None``: ignore the label).
    defaults : dict
        Codes for fields no label sets.
    path : str
        Where it was read from.
    """

    labels: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    path: str = "<no label map>"

    def resolve(
        self, labels: list[str], *, file: str, line: int | None, where: str | None
    ) -> tuple[dict[str, Any], bool, list[Problem]]:
        """Turn the labels of one span into codes.

        Parameters
        ----------
        labels : list of str
            Every label the tool gave the span.
        file, line, where : str, int or None, str or None
            Location used in problems (``where`` is the record path, e.g.
            ``[0].annotations[0].result[1]``).

        Returns
        -------
        codes : dict
            Field -> value for the fields the labels set (defaults not applied).
        ignored : bool
            True when every label is one the map says to ignore.
        problems : list of Problem
            Unknown labels and contradictions.
        """
        codes: dict[str, Any] = {}
        problems: list[Problem] = []
        used = 0

        def put(fieldname: str, value: Any, label: str) -> None:
            if fieldname in codes and codes[fieldname] != value:
                problems.append(
                    Problem(
                        file,
                        line,
                        _at(where, "labels"),
                        f"labels disagree on {fieldname}: {codes[fieldname]!r} and {value!r} (from label {label!r}); keep one",
                    )
                )
            codes[fieldname] = value

        for label in labels:
            if not isinstance(label, str) or not label.strip():
                problems.append(Problem(file, line, _at(where, "labels"), f"label {label!r} is not a non-empty string"))
                continue
            if label in self.labels:
                mapped = self.labels[label]
                if mapped is None:
                    continue
                used += 1
                for k, v in mapped.items():
                    put(k, v, label)
                continue
            native = parse_native(label)
            if native is not None:
                used += 1
                for k, v in native.items():
                    put(k, v, label)
                continue
            hint = (
                f"add it to {self.path}"
                if self.labels or self.defaults
                else "pass a label map (--map labels.yaml) that says what it means"
            )
            problems.append(
                Problem(
                    file,
                    line,
                    _at(where, "labels"),
                    f"unknown label {label!r}: it is not in the label map; {hint}, "
                    'e.g.  "' + label.replace('"', "'") + '": {stance: grievance, issue: cyber}',
                )
            )
        return codes, (used == 0 and not problems and bool(labels)), problems


def _at(where: str | None, name: str) -> str:
    return f"{where}.{name}" if where else name


def load_label_map(path: str | Path, codebook=None, summits: dict | None = None) -> LabelMap:
    """Read a label-mapping YAML file (see the module docstring).

    Parameters
    ----------
    path : str or Path
    codebook : Codebook, optional
        When given, every code in the map must be in it.
    summits : dict, optional
        When given, every ``summit_id`` in the map must be in it.

    Raises
    ------
    DataError
        Naming the file, the line of the entry and the field.
    """
    path = Path(path)
    where = str(path)
    raw = read_yaml(path)
    if not isinstance(raw, dict) or "labels" not in raw:
        raise DataError.at(path, None, None, "a label map is a mapping with a 'labels:' section (and optional 'defaults:')")
    unknown_top = set(raw) - {"labels", "defaults"}
    problems: list[Problem] = []
    if unknown_top:
        problems.append(
            Problem(
                where,
                getattr(raw, "line", None),
                None,
                f"unknown section(s) {', '.join(sorted(map(str, unknown_top)))}; use 'labels' and 'defaults'",
            )
        )
    labels_raw = raw.get("labels") or {}
    if not isinstance(labels_raw, dict):
        raise DataError.at(path, getattr(raw, "line", None), "labels", "must map each foreign label to its codes")

    def check_codes(codes: Any, line: int | None, label: str) -> dict[str, Any] | None:
        if codes is None:
            return None
        if not isinstance(codes, dict):
            problems.append(Problem(where, line, label, "must be a mapping like {stance: grievance} or null to ignore"))
            return None
        out: dict[str, Any] = {}
        for key, value in codes.items():
            fieldname = TAG_KEYS.get(key, key)
            if fieldname not in CODE_FIELDS:
                problems.append(
                    Problem(where, line, f"{label}.{key}", f"{key!r} is not a code field; use {', '.join(CODE_FIELDS)}")
                )
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                problems.append(
                    Problem(where, line, f"{label}.{key}", f"expected one code (text or a number), got a {type(value).__name__}")
                )
                continue
            if codebook is not None and fieldname != "summit_id":
                if msg := codebook.check_code(fieldname, value):
                    problems.append(Problem(where, line, f"{label}.{key}", msg))
                    continue
            if summits is not None and fieldname == "summit_id" and value not in summits:
                problems.append(Problem(where, line, f"{label}.{key}", f"{value!r} is not in summits.yaml"))
                continue
            out[fieldname] = value
        return out

    labels: dict[str, dict[str, Any] | None] = {}
    for label, codes in labels_raw.items():
        line = getattr(codes, "line", None) or getattr(labels_raw, "line", None)
        labels[str(label)] = check_codes(codes, line, f"labels.{label}")
    defaults_raw = raw.get("defaults") or {}
    defaults = check_codes(defaults_raw, getattr(defaults_raw, "line", None), "defaults") or {}
    if problems:
        raise DataError(problems)
    return LabelMap(labels, defaults, where)

"""Annotator names for imported spans: one name per distinct person.

Foreign tools identify annotators by e-mail, user id or IRI; the toolkit
needs a file-name-safe name (:func:`toolkit.formats.common.clean_annotator`
keeps an e-mail's local part). Two different identities can give the same
name (``alice@uni-a.edu`` and ``alice@uni-b.edu`` both give ``alice``); their
spans would then be merged into one person's log and duplicates dropped. An
import therefore refuses such a collision, naming both identities, unless an
annotator map says which name each one gets.

An annotator map is given on the command line as ``--annotator-map
SOURCE=NAME`` (repeatable), or as a YAML file mapping sources to names.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit._io import read_yaml, shown_text
from toolkit.errors import DataError, Problem
from toolkit.formats.common import Candidate
from toolkit.ids import id_problem

__all__ = ["parse_annotator_map", "apply_annotator_map"]


def parse_annotator_map(items: Iterable[str] | dict | None, *, where: str = "--annotator-map") -> dict[str, str]:
    """Read ``SOURCE=NAME`` items (or YAML files of such pairs) into a mapping; names are checked.

    Raises
    ------
    DataError
        On an item without ``=``, a file that is not a mapping of text to text,
        or a name that cannot be an annotator name.
    """
    out: dict[str, str] = {}
    if items is None:
        return out
    if isinstance(items, dict):
        pairs = [(str(k), v, where, None) for k, v in items.items()]
    else:
        pairs = []
        for item in items:
            if "=" not in item and Path(item).is_file():
                data = read_yaml(item)
                if not isinstance(data, dict):
                    raise DataError.at(item, None, None, "an annotator map must be a mapping of source: name")
                pairs += [(str(k), v, item, getattr(data, "line", None)) for k, v in data.items()]
                continue
            source, sep, name = item.rpartition("=")
            if not sep or not source:
                raise DataError.at(
                    where,
                    None,
                    "annotator-map",
                    f"{shown_text(item, 80)!r} is not SOURCE=NAME (e.g. alice@uni-b.edu=alice-b) nor a YAML file",
                )
            pairs.append((source, name, where, None))
    for source, name, file, line in pairs:
        if msg := id_problem("annotator", name):
            raise DataError.at(file, line, f"annotator-map[{shown_text(source, 60)}]", msg)
        out[source] = name
    return out


def apply_annotator_map(candidates: list[Candidate], amap: dict[str, str], where: str) -> list[Problem]:
    """Rename candidates through ``amap`` (in place); one problem per name shared by distinct identities.

    Each candidate whose ``annotator_source`` (or, failing that, whose name)
    is a key of ``amap`` gets the mapped name. Afterwards every name must
    stand for one source identity.
    """
    for c in candidates:
        for key in (c.annotator_source, c.annotator):
            if key is not None and key in amap:
                c.annotator = amap[key]
                c.annotator_source = key
                break
    sources: dict[str, dict[str, Candidate]] = {}
    for c in candidates:
        if c.annotator is None:
            continue
        sources.setdefault(c.annotator, {}).setdefault(c.annotator_source or c.annotator, c)
    problems = []
    for name, by_source in sources.items():
        if len(by_source) < 2:
            continue
        ids = sorted(by_source)
        first = by_source[ids[1]]
        shown = ", ".join(repr(shown_text(s, 60)) for s in ids[:4]) + (" ..." if len(ids) > 4 else "")
        problems.append(
            Problem(
                first.file,
                first.line,
                first.at("annotator"),
                f"{len(ids)} different annotators in the file would all become {name!r} ({shown}); "
                f"nothing was merged: name them apart with --annotator-map, e.g. "
                f"--annotator-map {shown_text(ids[1], 60)}={name}-2",
            )
        )
    return problems

"""Check everything in a data folder and report per file.

Used by ``summit-ledger validate`` and by the tests. Every problem names the
file, the line and the field; one bad record never stops the others from
being checked (or loaded elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import DataError, Problem
from toolkit.paths import CONFIG_NAME

__all__ = ["FileReport", "validate_data"]


@dataclass
class FileReport:
    """The outcome for one file: a one-line summary and its problems."""

    file: str
    summary: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_data(data: str | Path) -> list[FileReport]:
    """Validate a data folder: codebook, summits, documents, briefs, every annotation log.

    Parameters
    ----------
    data : str or Path
        The folder holding ``codebook.yaml``, ``summits.yaml``, ``documents/``
        and ``annotations/``.

    Returns
    -------
    list of FileReport
        One per file, in a stable order.
    """
    from toolkit.codebook.load import load_codebook
    from toolkit.corpus.documents import load_document
    from toolkit.corpus.summits import load_summits
    from toolkit.store.core import Store

    root = Path(data)
    reports: list[FileReport] = []
    if not root.is_dir():
        return [FileReport(str(root), "not a folder", [Problem(str(root), None, None, "no such folder")])]

    def guarded(path: Path, fn, summary):
        try:
            value = fn()
        except DataError as exc:
            reports.append(FileReport(str(path), "invalid", exc.problems))
            return None
        reports.append(FileReport(str(path), summary(value)))
        return value

    cfg_path = root / CONFIG_NAME
    config = None
    if cfg_path.is_file():
        config = guarded(
            cfg_path,
            lambda: _load_config(cfg_path),
            lambda c: (
                f"project {c.get('name') or root.name!r}, charts use {', '.join(c.get('charts', {}).get('sets', ['reference']))}"
            ),
        )
        cfg_report = reports[-1]
    cb_path = root / "codebook.yaml"
    codebook = guarded(
        cb_path,
        lambda: load_codebook(cb_path),
        lambda c: (
            f"codebook {c.version}: {len(c.issues)} issues, {len(c.actors)} actors, "
            f"{len(c.stances)} stances, {len(c.intensity)} intensity levels"
        ),
    )
    stated = (config or {}).get("codebook_version")
    if stated and codebook is not None and str(stated) != str(codebook.version):
        cfg_report.problems.append(
            Problem(
                str(cfg_path),
                None,
                "codebook_version",
                f"says {stated} but codebook.yaml is version {codebook.version}; update the one that is out of date",
            )
        )
    sm_path = root / "summits.yaml"
    summits = guarded(sm_path, lambda: load_summits(sm_path, codebook), lambda s: f"{len(s)} summits")
    documents: dict = {}
    for meta in sorted((root / "documents").glob("*.yaml")):
        doc = guarded(
            meta,
            lambda m=meta: load_document(m, summits),
            lambda d: f"document {d.id}: {len(d.text)} characters, sha256 {d.sha256[:12]}… ok",
        )
        if doc is not None:
            if doc.id in documents:
                reports[-1].problems.append(Problem(str(meta), None, "id", f"document id {doc.id!r} used twice"))
            documents[doc.id] = doc
    br_path = root / "briefs.yaml"
    if br_path.exists() and codebook is not None and summits is not None:
        from toolkit.corpus.briefs import load_briefs

        guarded(br_path, lambda: load_briefs(br_path, codebook, summits), lambda b: f"{len(b)} briefs")
    ann_root = root / "annotations"
    if ann_root.is_dir():
        set_dirs = sorted(p for p in ann_root.iterdir() if p.is_dir())
        # validate loads each part on its own, so one broken file is reported beside the others rather than
        # stopping a ProjectFolder from opening; the stores are checked against the parts that did load.
        stores = {d: Store(d, codebook=codebook, documents=documents or None, summits=summits) for d in set_dirs}
        # Events are the project's: a copy of a set (an export imported again) links to the same acts.
        project_events: dict = {}
        for st in stores.values():
            for name in st.annotators():
                project_events.update(st.read(name).events)
        for set_dir in set_dirs:
            store = stores[set_dir]
            reports.append(_declaration_report(set_dir))
            set_events: dict = dict(project_events)  # the set's own events win over a same-id one elsewhere
            for name in store.annotators():
                set_events.update(store.read(name).events)
            for log in sorted(set_dir.glob("*.jsonl")):
                from toolkit.records.annotation import check_annotator

                if msg := check_annotator(log.stem):
                    reports.append(FileReport(str(log), "invalid", [Problem(str(log), None, None, msg)]))
                    continue
                state = store.read(log.stem)
                problems = list(state.problems)
                if state.torn is not None:
                    problems.append(Problem(str(log), state.torn.line, None, str(state.torn).split(": ", 1)[1]))
                if codebook is None or summits is None:
                    problems.append(Problem(str(log), None, None, "codes not checked: the codebook or summits failed to load"))
                from toolkit.records.events import check_links

                problems.extend(check_links(state.annotations.values(), set_events, str(log)))
                n = len(state.annotations)
                n_ev = len(state.events)
                events_txt = f", {n_ev} event{'s' * (n_ev != 1)}" if n_ev else ""
                reports.append(
                    FileReport(str(log), f"{n} annotation{'s' * (n != 1)}{events_txt} from {state.ops} operations", problems)
                )
    return reports


def _declaration_report(set_dir: Path) -> FileReport:
    """The set's ``set.yaml``: problems when invalid, a warning when absent (see :mod:`toolkit.records.disclosure`)."""
    from toolkit.records.disclosure import FILE_NAME, check_declaration

    path = set_dir / FILE_NAME
    decl, problems = check_declaration(set_dir, sorted(p.stem for p in set_dir.glob("*.jsonl")))
    if problems:
        return FileReport(str(path), "invalid", problems)
    if decl is None:
        return FileReport(
            str(path),
            "missing",
            warnings=[
                f"set {set_dir.name!r} does not declare how it was made; add {FILE_NAME} (coder kind, training, "
                "codebook version, whether the coder saw the reference, date) so agreement figures can say who coded"
            ],
        )
    kinds = sorted({c.kind for c in decl.coders.values()})
    return FileReport(str(path), f"declares {len(decl.coders)} coder(s): {', '.join(kinds)}")


def _load_config(path: Path) -> dict:
    import tomllib

    from toolkit.corpus.folder import check_config

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError.at(path, None, None, f"not valid TOML: {exc}") from None
    problems = check_config(raw, str(path))
    if problems:
        raise DataError(problems)
    return raw

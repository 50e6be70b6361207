"""Extract the PLOVER manual's event types, modes, contexts and scores into JSON.

Usage: python docs/tables/extract_plover.py PLOVER_MANUAL.tex COMMIT COMMIT_DATE OUT.json

Reads the manual's own LaTeX tables (the general-contexts longtable, each event type's
"modes" table, its "Quad category" and "Requires recipient" headings, and the
"PLOVER conflict--cooperation scores" table) so that nothing is typed by hand. LaTeX
markup is unwrapped (\\txt{x} -> x, \\_ -> _, --- -> an em dash); commented-out lines
are skipped. It was run once to write toolkit/codebook/published/PLOVER-2.0.json.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys


def clean(s: str) -> str:
    s = re.sub(r"\\hyperref\[[^\]]*\]\{([^}]*)\}", r"\1", s)
    s = re.sub(r"\\cellcolor\{[^}]*\}", "", s)
    s = re.sub(r"\\(?:txt|plcat|plcon|plmod|textit|emph|texttt)\{([^}]*)\}", r"\1", s)
    s = s.replace("\\_", "_").replace("\\\\", "").replace("---", "\u2014")
    s = s.replace("``", "\u201c").replace("''", "\u201d")
    return re.sub(r"\s+", " ", s).strip()


def extract(raw: bytes, commit: str, date: str) -> dict[str, object]:
    lines = [ln for ln in raw.decode("utf-8").splitlines() if not ln.lstrip().startswith("%")]
    text = "\n".join(lines)
    version = re.search(r"DRAFT Version: ([0-9.a-z]+)", text)
    assert version is not None

    block = text.split(r"\label{tab:general-contexts}")[1].split(r"\end{longtable}")[0]
    contexts = []
    for ln in block.split(r"\endlastfoot")[1].splitlines():
        if "&" in ln:
            name, content = ln.split("&", 1)
            contexts.append({"context": clean(name), "content": clean(content)})

    chapter = text.split(r"\chapter{Event Categories}")[1].split(r"\chapter{Contexts}")[0]
    parts = re.split(r"\\section\{([A-Z]+)\}", chapter)[1:]
    types: list[dict[str, object]] = []
    modes: list[dict[str, object]] = []
    for name, body in zip(parts[::2], parts[1::2], strict=True):
        quad = re.search(r"\\subsection\{Quad category: ([A-Z ]+)\}", body)
        rec = re.search(r"\\subsection\{Requires recipient: (\w+)\}", body)
        assert quad is not None and rec is not None, name
        types.append({"type": name, "quad_category": quad.group(1).strip().lower(), "requires_recipient": rec.group(1) == "Yes"})
        table = re.search(r"\\caption\{[^\n]*modes[^\n]*\}(.*?)\\end\{tabular\}", body, re.S)
        if not table:
            continue
        current: dict[str, object] | None = None
        for ln in "\n".join(table.group(1).split(r"\hline")[2:]).splitlines():
            if "&" not in ln or not ln.split("&", 1)[0].strip():
                if current is not None and ln.strip():
                    current["content"] = f"{current['content']} {clean(ln.split('&', 1)[-1])}"
                continue
            mode, content = ln.split("&", 1)
            current = {"type": name, "mode": clean(mode), "content": clean(content)}
            modes.append(current)

    table_text = text.split(r"\caption{PLOVER conflict--cooperation scores}")[-1].split(r"\end{tabular}")[0]
    scores: dict[tuple[str, str | None], float] = {}
    for ln in table_text.split(r"\hline")[2].splitlines():
        cells = [clean(c) for c in ln.replace("\\\\", "").split("&")]
        for key, value in zip(cells[::2], cells[1::2], strict=False):
            if key:
                kind, _, mode_name = key.partition(":")
                scores[(kind.strip(), mode_name.strip().lower() or None)] = float(value)
    for t in types:
        t["score"] = scores.pop((str(t["type"]), None), None)
    for m in modes:
        m["score"] = scores.pop((str(m["type"]), str(m["mode"])), None)
    assert not scores, f"scores for modes the mode tables do not list: {scores}"
    return {
        "title": "PLOVER: Political Language Ontology for Verifiable Event Records, "
        "Event, Actor and Data Interchange Specification",
        "version": version.group(1),
        "source": {
            "repository": "openeventdata/PLOVER",
            "path": "PLOVER_MANUAL.tex",
            "commit": commit,
            "commit_date": date,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "license": "Creative Commons Attribution-ShareAlike 4.0 International (as the manual states)",
        },
        "event_types": types,
        "modes": modes,
        "contexts": contexts,
    }


if __name__ == "__main__":
    src, commit, date, out = sys.argv[1:5]
    with open(src, "rb") as f:
        data = extract(f.read(), commit, date)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")

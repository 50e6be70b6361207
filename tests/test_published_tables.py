"""The published tables kept as data: read back exactly, with the values their sources print."""

from __future__ import annotations

import hashlib
import json

import pytest

from toolkit.codebook import published as pt
from toolkit.errors import CodebookError


def test_goldstein_file_is_the_kept_copy_byte_for_byte() -> None:
    # The sha256 the tables' README records for the file as found; a retyped or re-saved copy differs.
    digest = hashlib.sha256(pt.GOLDSTEIN_FILE.read_bytes()).hexdigest()
    assert digest == "22ae69794e081b8cc9bb87a15f59fabdaa6e9ba00b1d08990b46cd75291c0ca8"
    assert digest in (pt.TABLES_DIR / "README.md").read_text(encoding="utf-8")


def test_goldstein_has_one_value_per_code_and_subcodes_differ_from_roots() -> None:
    table = pt.goldstein_table()
    assert len(table) == 311
    assert all(-10.0 <= v <= 10.0 for v in table.values())
    # Values cited in the literature notes: a sub-code has its own value, not its root's.
    assert (table["13"], table["130"], table["1312"]) == (-6.0, -4.4, -5.8)
    assert (table["16"], table["163"], table["166"]) == (-4.0, -8.0, -7.0)
    assert (table["05"], table["051"], table["057"], table["085"]) == (3.5, 3.4, 8.0, 7.0)
    assert pt.goldstein("0874") == 10.0
    table["130"] = 0.0  # a copy: the kept table is unchanged
    assert pt.goldstein("130") == -4.4


@pytest.mark.parametrize("code", ["999", "0", "13a", "", "1399"])
def test_unknown_cameo_code_is_a_codebook_error(code: str) -> None:
    with pytest.raises(CodebookError, match="CAMEO code"):
        pt.goldstein(code)
    with pytest.raises(CodebookError):
        pt.quad_class(code)


def test_code_of_the_wrong_type_is_api_misuse() -> None:
    with pytest.raises(TypeError):
        pt.goldstein(130)  # type: ignore[arg-type]


def test_quad_class_by_root_under_both_splits() -> None:
    assert pt.QUAD_CLASSES == {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
    gdelt = {root: pt.quad_class(f"{root:02d}") for root in range(1, 21)}
    assert [r for r, q in gdelt.items() if q == 1] == [1, 2, 3, 4, 5]
    assert [r for r, q in gdelt.items() if q == 2] == [6, 7, 8, 9]
    assert [r for r, q in gdelt.items() if q == 3] == [10, 11, 12, 13, 14]
    assert [r for r, q in gdelt.items() if q == 4] == list(range(15, 21))
    icews = {root: pt.quad_class(f"{root:02d}", split="icews") for root in range(1, 21)}
    assert [r for r, q in icews.items() if q == 2] == [6, 7, 8]
    assert [r for r, q in icews.items() if q == 3] == [9, 10, 11, 12, 13]
    assert pt.quad_class("163") == 4 and pt.quad_class("1312") == 3 and pt.quad_class("057") == 1
    with pytest.raises(ValueError, match="split"):
        pt.quad_class("130", split="cameo")


def test_plover_file_names_its_source() -> None:
    data = json.loads(pt.PLOVER_FILE.read_text(encoding="utf-8"))
    assert pt.PLOVER_VERSION == data["version"] == "2.0"
    assert pt.PLOVER_COMMIT == data["source"]["commit"] == "5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f"
    assert data["source"]["repository"] == "openeventdata/PLOVER" and data["source"]["path"] == "PLOVER_MANUAL.tex"
    assert pt.PLOVER_COMMIT in (pt.TABLES_DIR / "README.md").read_text(encoding="utf-8")


def test_plover_types_modes_and_contexts_of_the_manual() -> None:
    assert pt.plover_types() == (
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    )  # fmt: skip
    assert pt.plover_modes("SANCTION") == ("convict", "expel", "withdraw", "discontinue")
    assert pt.plover_modes("RETREAT") == ("withdraw", "release", "disarm", "ceasefire", "access", "resign")
    assert pt.plover_modes("REQUEST") == pt.plover_modes("REJECT") == ("assist", "change", "yield", "meet")
    assert pt.plover_modes("AGREE") == ()
    contexts = pt.plover_contexts()
    assert len(contexts) == 37 and len(set(contexts)) == 37
    assert {"territory", "military", "diplomatic", "economic", "cyber", "cbrn", "election", "human_rights"} <= set(contexts)
    assert not {"political", "resource", "culture", "government", "crime_murder"} & set(contexts)
    with pytest.raises(CodebookError, match="not a PLOVER 2.0 event type"):
        pt.plover_modes("DEMAND")


def test_plover_scores_by_type_and_mode() -> None:
    assert pt.plover_score("SANCTION") == -6.0
    assert pt.plover_score("SANCTION", "expel") == -5.5
    assert pt.plover_score("CONSULT", "phone") == 1.5
    assert pt.plover_score("ACCUSE") == 3.0  # as printed in the manual (see the tables' README)
    assert pt.plover_score("ACCUSE", "disapprove") == -2.0
    assert pt.plover_score("PROTEST", "vandalize") is None
    assert pt.plover_quad_category("SANCTION") == "material conflict"
    with pytest.raises(CodebookError, match="'sever' is not a mode of SANCTION"):
        pt.plover_score("SANCTION", "sever")

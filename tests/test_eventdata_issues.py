"""PLOVER contexts to the codebook's domains: the table comes from the codebook; unmapped events count as other."""

from __future__ import annotations

import pandas as pd

from toolkit.codebook import load_codebook
from toolkit.eventdata.issues import OTHER_DOMAIN, context_domains, domain_balance
from toolkit.paths import data_dir


def test_context_table_follows_the_codebooks_issues() -> None:
    cb = load_codebook(data_dir() / "codebook.yaml")
    table = context_domains(cb).set_index("context")
    for issue_id, issue in cb.issues.items():
        if issue.plover_context:
            assert issue_id in table.loc[issue.plover_context, "issues"]
    # 'military' is named by four security issues and two regional ones: security wins
    assert table.loc["military", "domain"] == "security"
    assert table.loc["economic", "domain"] == "economic"


def test_events_count_once_per_domain_and_unmapped_ones_as_other() -> None:
    cb = load_codebook(data_dir() / "codebook.yaml")
    events = pd.DataFrame(
        {
            "summit_id": ["s"] * 5,
            "event_id": ["1", "2", "3", "4", "5"],
            "quad_class": [1, 3, 4, None, 2],
            # two contexts of one domain count once; a context no issue names, or none at all, is 'other'
            "plover_contexts": ["military;cbrn", "economic;military", "gender", None, "diplomatic"],
        }
    )
    out = domain_balance(events, cb).set_index("domain")
    assert out.loc["security", ["n", "goodwill", "grievance"]].tolist() == [2, 1, 1]
    assert out.loc["economic", ["n", "goodwill", "grievance"]].tolist() == [1, 0, 1]
    assert out.loc[OTHER_DOMAIN, ["n", "goodwill", "grievance"]].tolist() == [2, 0, 1]
    assert out.loc["diplomatic", "balance"] == 1.0

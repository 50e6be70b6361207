"""Act- and document-clustered intervals, recomputed here from the shipped ledger with plain numpy.

The test groups the ledger rows into acts and documents with its own code (no toolkit counting
or clustering), draws the cluster bootstrap the module documents (numpy's default_rng([seed, i])
per summit, clusters in sorted label order), and compares every interval and shift.
"""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.ledger import load_ledger
from toolkit.measures.clustered import clustered_intervals, clustered_shifts

N_BOOT, SEED = 3000, 11


@pytest.fixture(scope="module")
def ledger(data_root):
    return load_ledger(data_root)


def _acts(ledger, dyad_only: bool):
    """One (summit, act label, document label, goodwill?) tuple per act, from the raw rows."""
    acts = {}
    for r in ledger.itertuples():
        if r.stance not in ("goodwill", "grievance") or r.status == "orphaned":
            continue
        if dyad_only and {r.actor, r.target} != {"US", "Russia"} and r.actor != "US-Russia-mutual":
            continue
        eid = r.event_id if isinstance(r.event_id, str) and r.event_id else None
        act = f"ev:{eid}" if eid else f"row:{r.evidence}/{r.set}/{r.id}"
        if r.evidence == "span" and isinstance(r.document_id, str):
            doc = f"doc:{r.document_id}"
        elif r.evidence == "brief" and isinstance(r.source_url, str) and r.source_url:
            doc = f"url:{r.source_url}"
        else:
            doc = act
        # a joint act's two directions and an event's several mentions are one act (same stance)
        acts[(r.summit_id, act, r.issue)] = (r.summit_id, act, doc, r.stance == "goodwill")
    return list(acts.values())


def _boot(acts, summit_index, which, n_boot=N_BOOT, seed=SEED):
    labels = sorted({a[which] for a in acts})
    g = np.array([sum(a[3] for a in acts if a[which] == lab) for lab in labels], dtype=float)
    r = np.array([sum(not a[3] for a in acts if a[which] == lab) for lab in labels], dtype=float)
    idx = np.random.default_rng([seed, summit_index]).integers(0, len(labels), size=(n_boot, len(labels)))
    gs, rs = g[idx].sum(1), r[idx].sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(gs + rs > 0, (gs - rs) / (gs + rs), np.nan)


@pytest.mark.parametrize("scope", ["dyad", "all"])
def test_act_and_document_clustered_intervals_match_plain_numpy(ledger, scope):
    table = clustered_intervals(ledger, scope=scope, n_boot=N_BOOT, seed=SEED).set_index("summit_id")
    acts = _acts(ledger, scope == "dyad")
    order = ledger.drop_duplicates("summit_id").sort_values("summit_order")["summit_id"].tolist()
    draws = {}
    for i, sid in enumerate(order):
        mine = [a for a in acts if a[0] == sid]
        g = sum(a[3] for a in mine)
        row = table.loc[sid]
        assert row["n_acts"] == len(mine)
        assert row["n_documents"] == len({a[2] for a in mine})
        assert row["balance"] == pytest.approx((2 * g - len(mine)) / len(mine))
        for col, which in (("acts", 1), ("documents", 2)):
            d = _boot(mine, i, which)
            draws[(sid, col)] = d
            lo, hi = np.nanquantile(d, [0.025, 0.975])
            assert (row[f"{col}_low"], row[f"{col}_high"]) == pytest.approx((lo, hi), abs=1e-12), (sid, col)
    shifts = clustered_shifts(ledger, scope=scope, n_boot=N_BOOT, seed=SEED)
    for (f, t), s in zip(zip(order[:-1], order[1:]), shifts.itertuples()):
        for col in ("acts", "documents"):
            d = draws[(t, col)] - draws[(f, col)]
            d = d[np.isfinite(d)]
            assert (getattr(s, f"{col}_low"), getattr(s, f"{col}_high")) == pytest.approx(tuple(np.quantile(d, [0.025, 0.975])))
            assert getattr(s, f"{col}_p_direction") == pytest.approx(np.mean(np.sign(d) == np.sign(s.shift)))


def test_one_article_is_one_cluster_so_its_interval_is_wider(ledger):
    video = clustered_intervals(ledger, n_boot=N_BOOT, seed=SEED).set_index("summit_id").loc["2021-12-07-video"]
    assert video["n_documents"] < video["n_acts"]
    assert video["documents_high"] - video["documents_low"] > video["acts_high"] - video["acts_low"]
    assert video["design_effect"] > 1 and video["effective_n"] < video["n_acts"]


def test_source_contributions_add_up_and_name_the_sentence(ledger, data_root):
    from toolkit.corpus import load_documents
    from toolkit.measures.clustered import source_contributions

    table = source_contributions(ledger, load_documents(data_root / "documents"))
    totals = clustered_intervals(ledger, n_boot=10).set_index("summit_id")["n_acts"]
    assert table.groupby("summit_id")["n_acts"].sum().to_dict() == {k: v for k, v in totals.items() if v}
    assert np.allclose(table.groupby("summit_id")["share"].sum(), 1.0)
    article = table[table["sentence"].notna()]
    assert len(article) and article["sentence_text"].str.len().gt(0).all()
    biggest = table[table["summit_id"] == "2021-12-07-video"].iloc[0]
    assert biggest["n_acts"] == table[table["summit_id"] == "2021-12-07-video"]["n_acts"].max()


def test_phase_comparison_counts_only_dated_acts_at_the_summit(ledger):
    from toolkit.measures import balance_table
    from toolkit.measures.clustered import phase_comparison

    both = phase_comparison(ledger).set_index("summit_id")
    at = balance_table(ledger[ledger["phase"] == "at"]).set_index("summit_id")
    for sid, row in both.iterrows():
        assert row["n_at"] == (at.loc[sid, "n"] if sid in at.index else 0)
        assert row["n_at"] <= row["n_all"]

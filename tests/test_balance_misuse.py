"""A call that asks for something that does not exist raises ValueError/TypeError, never a data error.

The toolkit's DataError/ValidationError mean "a file is wrong" and name file,
line and field; a bad ``weight=`` or ``scale=`` is a mistake in the call.
Ledgers here are small synthetic frames built in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import SummitLedgerError
from toolkit.measures import balance_table, clusters, count_units, filter_ledger, jeffreys_interval, robustness_table, row_weights


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    """Four synthetic rows over two made-up summits."""
    return pd.DataFrame(
        {
            "evidence": "span",
            "summit_id": ["s1", "s1", "s2", "s2"],
            "summit_label": ["One", "One", "Two", "Two"],
            "summit_date": pd.to_datetime(["2020-01-01", "2020-01-01", "2021-01-01", "2021-01-01"]),
            "summit_format": "video",
            "issue": ["trade", "arms", "trade", "arms"],
            "issue_label": ["Trade", "Arms", "Trade", "Arms"],
            "stance": ["goodwill", "grievance", "grievance", "agenda"],
            "actor": "US",
            "target": "Russia",
            "intensity": [1, 2, 3, 1],
            "score": [3.5, -6.0, -7.0, 0.0],
            "goldstein": [8.0, -4.4, -8.0, 1.0],
            "annotator": "synthetic",
            "set": "synthetic",
            "status": "anchored",
        }
    )


BAD_VALUES = [
    ({"by": "actor"}, "by='actor' is not one of summit, issue"),
    ({"weight": "loudness"}, "weight='loudness' is not one of count, intensity, score"),
    ({"scale": "percent"}, "scale='percent' is not one of relative, logit, goldstein, score"),
    ({"interval": "wald"}, "interval='wald' is not one of jeffreys, bootstrap"),
    ({"count": "words"}, "count='words' is not one of events, directed, mentions"),
    ({"resample": "summits"}, "resample='summits' is not one of auto, events, documents, annotators, rows"),
    ({"level": 1.5}, "level=1.5 must lie strictly between 0 and 1"),
    ({"level": 0}, "level=0 must lie strictly between 0 and 1"),
    ({"n_boot": -1}, "n_boot=-1 must be 0 or more"),
    ({"scope": "world"}, "scope='world' is not one of dyad, all"),
]
BAD_TYPES = [
    ({"weight": 3}, "weight= takes a string"),
    ({"scale": None}, "scale= takes a string"),
    ({"count": ["events"]}, "count= takes a string"),
    ({"n_boot": 10.5}, "n_boot= takes an integer"),
    ({"n_boot": True}, "n_boot= takes an integer"),
    ({"level": "0.95"}, "level= takes a number"),
    ({"seed": 1.5}, "seed= takes an integer"),
    ({"summits": "s1"}, "summits= takes a dict of Summit or a table of summits"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_VALUES)
def test_unknown_option_values_raise_value_error(ledger, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        balance_table(ledger, **kwargs)
    assert not isinstance(err.value, SummitLedgerError)


@pytest.mark.parametrize(("kwargs", "message"), BAD_TYPES)
def test_options_of_the_wrong_type_raise_type_error(ledger, kwargs, message):
    with pytest.raises(TypeError, match=message) as err:
        balance_table(ledger, **kwargs)
    assert not isinstance(err.value, SummitLedgerError)


def test_the_call_is_checked_before_the_data(ledger):
    """A bad option is reported even on a ledger that would itself fail, and nothing is computed first."""
    with pytest.raises(ValueError, match="weight="):
        balance_table(ledger.drop(columns=["stance"]), weight="loudness")


def test_not_a_ledger(ledger):
    with pytest.raises(TypeError, match="a ledger is a pandas DataFrame"):
        balance_table(ledger.to_dict("records"))
    with pytest.raises(ValueError, match="lacks column\\(s\\) stance"):
        balance_table(ledger.drop(columns=["stance"]))
    with pytest.raises(ValueError, match="lacks column\\(s\\) intensity"):
        balance_table(ledger.drop(columns=["intensity"]), weight="intensity")
    with pytest.raises(ValueError, match="summits= lacks column\\(s\\) format"):
        balance_table(ledger, summits=pd.DataFrame({"summit_id": ["s1"], "label": ["One"], "date": ["2020-01-01"]}))


def test_valid_calls_still_work(ledger):
    """The checks accept every documented value, numpy integers and floats included."""
    for weight in ("count", "intensity", "score", "goldstein"):
        for scale in ("relative", "logit", "goldstein", "score"):
            t = balance_table(ledger, by="issue", weight=weight, scale=scale, n_boot=np.int64(20), level=np.float64(0.9))
            assert len(t) == 4
    t = balance_table(ledger, interval="bootstrap", n_boot=0, seed=np.int32(3))
    assert t["ci_low"].isna().all()


def test_helpers_raise_call_errors(ledger):
    with pytest.raises(ValueError, match="weight='loudness' is not a weight") as err:
        row_weights(ledger, "loudness")
    assert not isinstance(err.value, SummitLedgerError)
    with pytest.raises(TypeError, match="unexpected keyword argument\\(s\\) outlets"):
        filter_ledger(ledger, outlets="Reuters")
    with pytest.raises(TypeError, match="anchored_only= takes True or False"):
        filter_ledger(ledger, anchored_only="yes")
    with pytest.raises(ValueError, match="count='words'"):
        count_units(ledger, "words")
    with pytest.raises(ValueError, match="resample='summits'"):
        clusters(ledger.assign(_event=np.arange(4)), "summits")
    with pytest.raises(ValueError, match="level 2"):
        jeffreys_interval([1], [1], 2)
    with pytest.raises(ValueError, match="scale='percent'") as err:
        robustness_table(ledger, scale="percent")
    assert not isinstance(err.value, SummitLedgerError)

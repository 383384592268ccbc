"""Charts are checked against the Vega-Lite schema in the test suite (tests/conftest.py sets
QINGSHAN_CHART_VALIDATE=1) and not in the product, where the check costs time and only raises
for a chart the code built wrongly."""

import altair as alt
import pandas as pd
import pytest

from qingshan.charts import common


def _wrong():
    df = pd.DataFrame({"a": [1, 2]})
    # an encoding type Vega-Lite does not have (Altair checks it only when writing the spec)
    return alt.Chart(df).mark_point().encode(x=alt.X(field="a", type="bogus"))


def test_the_suite_validates_every_chart():
    assert common.VALIDATE is True


def test_a_wrong_chart_raises_when_validating_and_passes_through_otherwise(monkeypatch):
    df = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        common.finish(_wrong(), df, "c")
    monkeypatch.setattr(common, "VALIDATE", False)
    spec = dict(common.finish(_wrong(), df, "c"))
    assert spec["encoding"]["x"]["type"] == "bogus" and spec["config"]["view"]["stroke"] is None

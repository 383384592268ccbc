"""The pages' city and province water rows come from one pass (``water_groups``): the same rows,
values and column types as each level assessed alone (``water_table``), on the tiny store of
tests/api/_water.py."""

from __future__ import annotations

import pytest

from qingshan.store import connect
from qingshan.water.api import group_rows, water_groups, water_table
from qingshan.water.service import water_assessment
from tests.api._water import tiny_water_store


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = connect(tiny_water_store(tmp_path_factory.mktemp("onepass")), read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize("period", ["2021", "2021-H1", "2021-Q2", "2021-03..2021-07"])
def test_one_pass_rows_are_the_rows_of_each_level(con, period):
    both = water_groups(con, period)
    assert set(both["level"]) <= {"city", "province"}
    for level in ("city", "province"):
        alone = water_table(con, period, level)
        got = group_rows(both, level)
        assert list(got.columns) == list(alone.columns)
        assert list(got.dtypes) == list(alone.dtypes), level
        assert got.equals(alone), (period, level)


def test_province_figures_of_the_one_pass(con):
    # 2021-H1 holds the June samples: 8 of the 12 sections in classes I–III
    # (tests/water/test_engine_builders.py); a quarter needs two samplings: none in 2021-Q2
    prov = group_rows(water_groups(con, "2021-H1"), "province").iloc[0]
    assert prov.n_excellent == 8 and prov["name"] == "全省"
    q2 = group_rows(water_groups(con, "2021-Q2"), "province")
    assert q2.n_excellent.fillna(0).iloc[0] == 0


def test_several_levels_are_group_levels_only(con):
    with pytest.raises(ValueError):
        water_assessment(con, "2021", ("section", "city"))
    with pytest.raises(ValueError):
        water_assessment(con, "2021", ())

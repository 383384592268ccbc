"""A step the Spark backend keeps in local mode is a local checkpoint: a later step reads a
leaf plan, not the chain of steps before it; dropping a step (or closing the backend) gives
its memory back."""

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]


def test_kept_steps_are_leaves_and_their_memory_is_released(spark_backend):
    be = spark_backend
    sc = be.spark.sparkContext._jsc.sc()
    before = sc.getPersistentRDDs().size()
    be.register("t", pd.DataFrame({"k": [1, 2, 2, 3], "v": [1.0, 2.0, 3.0, 4.0]}))
    be.materialize("s1", "SELECT k, sum(v) AS v FROM t GROUP BY k")
    be.materialize("s2", "SELECT k, v * 2 AS v FROM s1")
    # the plan of s2 is one leaf: it does not contain the aggregate of s1
    plan = be.spark.table("s2")._jdf.queryExecution().analyzed().toString()
    assert "Aggregate" not in plan and "LogicalRDD" in plan
    got = be.df("SELECT k, v FROM s2 ORDER BY k")
    assert got.v.tolist() == [2.0, 10.0, 8.0]          # (1)·2, (2+3)·2, (4)·2
    assert sc.getPersistentRDDs().size() == before + 2
    be.materialize("s2", "SELECT k, v FROM s1")         # kept again: the old one is released
    assert sc.getPersistentRDDs().size() == before + 2
    be.drop("s2")
    be.drop("s1")
    assert sc.getPersistentRDDs().size() == before

"""Event logs built from published counts (vectorised; no values from the code under test)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: the 16 cities of Shandong in GB/T 2260 order (the order of the published per-city lists)
CITIES = ["370100", "370200", "370300", "370400", "370500", "370600", "370700", "370800",
          "370900", "371000", "371100", "371300", "371400", "371500", "371600", "371700"]
PROVINCE = "370000"


def petitions(counts: dict[str, dict[str, int]], day="2021-09-13", due="2021-09-23"):
    """cases + events: for each unit, ``{state: n}`` cases whose last event is that state."""
    units, states = [], []
    for unit, by_state in counts.items():
        for st, n in by_state.items():
            units += [unit] * n
            states += [st] * n
    n = len(units)
    ids = np.arange(1, n + 1)
    cases = pd.DataFrame({"case_id": ids, "city_code": units, "received": pd.Timestamp(day),
                          "feedback_due": pd.Timestamp(due)})
    recv = pd.DataFrame({"case_id": ids, "ts": pd.Timestamp(day), "seq": 1,
                         "to_state": "received"})
    last = pd.DataFrame({"case_id": ids, "ts": pd.Timestamp(day) + pd.Timedelta(hours=20),
                         "seq": 2, "to_state": states})
    return cases, pd.concat([recv, last], ignore_index=True)

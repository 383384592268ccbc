"""Pure table computations of the compensation ledgers (pandas, vectorised over cities)."""

from qingshan.compensation.engine.air import air_ledger, annual_awards, grade2_whole_city
from qingshan.compensation.engine.flows import Flows, clearing, flows
from qingshan.compensation.engine.water import county_water_ledger, water_ledger

__all__ = ["air_ledger", "annual_awards", "grade2_whole_city", "clearing", "flows", "Flows",
           "county_water_ledger", "water_ledger"]

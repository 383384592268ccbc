"""Rates of the governance ledgers from the event log as of a cut-off (spec/governance.md §1.4,
§2.7, §3.4, §4.4–4.5, §5, §9): exact fractions with numerator, denominator, exclusions and rule
version; province rates Σ numerators / Σ denominators."""

from qingshan.governance.rates.complaints import complaint_rates
from qingshan.governance.rates.core import RATES_VERSION, Rate, RatesError, as_of, percent_text, \
    pool
from qingshan.governance.rates.eia import eia_counts, eia_rates, execution_report_rates
from qingshan.governance.rates.enforcement import double_random_all_off_site, off_site_rates
from qingshan.governance.rates.inspection import petition_rates, task_rates
from qingshan.governance.rates.registers import (
    eco_park_evaluate, farmland_safe_use, near_zero_counts, sewage_completed, sewage_mode_shares,
    sewage_rates, waste_free_counts,
)

__all__ = ["RATES_VERSION", "Rate", "RatesError", "as_of", "percent_text", "pool",
           "complaint_rates", "eia_counts", "eia_rates", "execution_report_rates",
           "double_random_all_off_site",
           "off_site_rates", "petition_rates", "task_rates", "eco_park_evaluate",
           "farmland_safe_use", "near_zero_counts", "sewage_completed", "sewage_mode_shares",
           "sewage_rates", "waste_free_counts"]

"""Which family of standards applies to data of a given date.

GB 3095-2026, HJ 633-2026 and HJ 663-2026 took effect on 2026-03-01 and abolished GB 3095-2012,
HJ 633-2012 and HJ 663-2013 (HJ 633-2026 foreword; GB 3095-2026 foreword). GB 3095-2026 §4.4:
transition-phase limits until 2030-12-31, final limits from 2031-01-01.
"""

from __future__ import annotations

from datetime import date

__all__ = ["SWITCH_2026", "FINAL_LIMITS_2031", "family_for", "FAMILY_2012", "FAMILY_2026"]

SWITCH_2026 = date(2026, 3, 1)
FINAL_LIMITS_2031 = date(2031, 1, 1)
FAMILY_2012 = "2012"  # GB 3095-2012, HJ 633-2012, HJ 663-2013
FAMILY_2026 = "2026"  # GB 3095-2026, HJ 633-2026, HJ 663-2026


def family_for(d: date) -> str:
    """Family of standards in force on natural day ``d``."""
    return FAMILY_2026 if d >= SWITCH_2026 else FAMILY_2012

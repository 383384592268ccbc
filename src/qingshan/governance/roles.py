"""Role names used in the governance transition tables (spec/governance.md §8.1).

They are the values of :mod:`qingshan.accounts.roles` (the accounts domain owns them; these
are the same strings, so the transition tables stay plain data) plus ``system`` for timers and
automatic steps. ``tests/governance/test_workflows.py`` checks they equal accounts' names.
"""

__all__ = ["PROV_ADMIN", "PROV_STAFF", "PROV_LEADER", "CITY_STAFF", "CITY_REVIEWER",
           "CITY_LEADER", "COUNTY_STAFF", "HANDLER", "AUDITOR", "DISPATCHER", "CALLBACK_AGENT",
           "SUPERVISOR", "SYSTEM", "ALL_ROLES", "PROVINCE_WIDE"]

PROV_ADMIN = "prov_admin"
PROV_STAFF = "prov_staff"
PROV_LEADER = "prov_leader"
CITY_STAFF = "city_staff"
CITY_REVIEWER = "city_reviewer"
CITY_LEADER = "city_leader"
COUNTY_STAFF = "county_staff"
HANDLER = "handler"
AUDITOR = "auditor"
DISPATCHER = "dispatcher"
CALLBACK_AGENT = "callback_agent"
SUPERVISOR = "supervisor"
SYSTEM = "system"

ALL_ROLES = frozenset({PROV_ADMIN, PROV_STAFF, PROV_LEADER, CITY_STAFF, CITY_REVIEWER,
                       CITY_LEADER, COUNTY_STAFF, HANDLER, AUDITOR, DISPATCHER, CALLBACK_AGENT,
                       SUPERVISOR, SYSTEM})
#: roles whose scope is the whole province (§8.1)
PROVINCE_WIDE = frozenset({PROV_ADMIN, PROV_STAFF, PROV_LEADER, AUDITOR})

"""Roles of qingshan's users (spec/governance.md §8.1, issue 12).

A user holds one primary role at one organisation unit (province, city or county) and may hold
functional roles (:data:`FUNCTIONAL`) at the same unit. What a role may do is decided by each
domain's own transition table (as data) through :func:`qingshan.accounts.authz.require`; this
module only names the roles and which of them are read-only.
"""

from __future__ import annotations

__all__ = ["PROV_ADMIN", "PROV_STAFF", "PROV_LEADER", "CITY_STAFF", "CITY_REVIEWER", "CITY_LEADER",
           "COUNTY_STAFF", "HANDLER", "AUDITOR", "DISPATCHER", "CALLBACK_AGENT", "SUPERVISOR",
           "PRIMARY", "FUNCTIONAL", "ALL", "READ_ONLY", "LEVEL", "DESCRIPTION", "MONITORING_WRITE",
           "AUDIT_READ", "USER_ADMIN"]

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

#: the organisation level each primary role is held at (``None``: any level)
LEVEL: dict[str, str | None] = {
    PROV_ADMIN: "province", PROV_STAFF: "province", PROV_LEADER: "province",
    CITY_STAFF: "city", CITY_REVIEWER: "city", CITY_LEADER: "city",
    COUNTY_STAFF: "county", HANDLER: None, AUDITOR: None,
}
PRIMARY = tuple(LEVEL)
FUNCTIONAL = (DISPATCHER, CALLBACK_AGENT, SUPERVISOR)
ALL = PRIMARY + FUNCTIONAL

#: roles that never write (leaders read everything of their unit; auditors also the audit log)
READ_ONLY = frozenset({PROV_LEADER, CITY_LEADER, AUDITOR})

DESCRIPTION = {
    PROV_ADMIN: "province administrator: users, roles, org tree, rule versions; no case content",
    PROV_STAFF: "province staff: all cities; uploads, reviews, acceptances",
    PROV_LEADER: "province leader: reads everything (read-only); approves the provincial summary",
    CITY_STAFF: "city staff: own city and its counties; uploads of its data, ledgers, reports",
    CITY_REVIEWER: "city reviewer: sector sign-off (双轨制) in its city",
    CITY_LEADER: "city leader: reads its city (read-only); signs the annual report",
    COUNTY_STAFF: "county staff: own county; progress, self-checks, cases",
    HANDLER: "handling unit: complaints assigned to it",
    AUDITOR: "auditor: reads all rows of its unit and the audit log; no writes",
    DISPATCHER: "functional: dispatches, reviews and closes complaints",
    CALLBACK_AGENT: "functional: calls back complainants",
    SUPERVISOR: "functional: oversight of complaint handling",
}

#: who may write monitoring data (uploads, supersessions) of a city in their scope
MONITORING_WRITE = frozenset({PROV_STAFF, CITY_STAFF})
#: who may read the audit log (spec/governance.md §8.2, last row)
AUDIT_READ = frozenset({AUDITOR, PROV_ADMIN})
#: who may manage users
USER_ADMIN = frozenset({PROV_ADMIN})

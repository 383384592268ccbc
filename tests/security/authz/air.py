"""Expectations of the air pages' chart routes (issue 14, session 5): the SVG charts a page
loads beside itself are as public as the page (read-only GET, no user needed)."""

from tests.security.authz import Case

EXPECT = {
    ("GET", "/chart/map.svg"): Case("public", "/chart/map.svg?period=2019-03"),
    ("GET", "/chart/city/{code}/{name}.svg"): Case(
        "public", "/chart/city/371000/trend-pm25.svg?year=2019"),
    ("GET", "/chart/station/{code}/series.svg"): Case(
        "public", "/chart/station/1662A/series.svg?day=2019-03-02"),
    ("GET", "/chart/compare.svg"): Case(
        "public", "/chart/compare.svg?period=2019-03&codes=371000,370100"),
}

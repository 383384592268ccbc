"""Expectations of the shells' own routes and of the air and water domains."""

from tests.security.authz import Case

#: a CNEMC sites file for a future day with two Weihai stations (1662A, 1663A) only
WEIHAI_DAY = ("china_sites_20300101.csv",
              b"date,hour,type,1662A,1663A\n20300101,1,PM2.5,30,31\n20300101,1,PM10,50,52\n")
OK_OR_422 = frozenset({200, 422})

EXPECT = {
    # ---- shell: pages and assets
    ("GET", "/"): Case("public", "/?period=2019-03"),
    ("GET", "/city/{code}"): Case("public", "/city/371000?year=2019"),
    ("GET", "/station/{code}"): Case("public", "/station/1662A?day=2019-03-02"),
    ("GET", "/water"): Case("public", "/water", ok=frozenset({200, 404})),
    ("GET", "/data"): Case("public", "/data"),
    ("GET", "/favicon.ico"): Case("public", "/favicon.ico"),
    ("GET", "/geo/province.geo.json"): Case("public", "/geo/province.geo.json"),
    ("GET", "/login"): Case("public", "/login"),
    # the login form checks its own double-submit token: a post without it is 403 for anyone
    ("POST", "/login"): Case("public", "/login", ok=403,
                             data={"username": "x", "password": "y", "csrf_token": "z"}),
    ("POST", "/logout"): Case("user", "/logout", ok=303),
    # ---- monitoring data writes: province staff, or staff of the data's own city
    ("POST", "/data/upload"): Case("monitoring_write", "/data/upload",
                                   files={"file": WEIHAI_DAY}, data={"kind": "cnemc"}),
    ("POST", "/api/v1/upload"): Case("monitoring_write", "/api/v1/upload",
                                     files={"file": WEIHAI_DAY}, data={"kind": "cnemc"}),
    # ---- accounts
    ("POST", "/api/v1/auth/token"): Case("public", "/api/v1/auth/token", ok=401,
                                         data={"username": "nobody", "password": "wrong pw"}),
    ("GET", "/api/v1/auth/me"): Case("user", "/api/v1/auth/me"),
    ("GET", "/search"): Case("public", "/search?q=%E5%A8%81%E6%B5%B7"),
    ("GET", "/compare"): Case("public", "/compare?period=2019-03&codes=371000,370100"),
    # a table of a page as CSV: the page is rendered for the caller, so it is as public as it is
    ("GET", "/download"): Case("public", "/download?path=/%3Fperiod%3D2019-03&table=ranking"
                                         "&format=csv", ok=frozenset({200, 404})),
    # ---- the API's docs
    ("GET", "/api/v1/docs"): Case("public", "/api/v1/docs"),
    ("GET", "/api/v1/docs/apidocs.js"): Case("public", "/api/v1/docs/apidocs.js"),
    # ---- air (read-only, public dashboards)
    ("GET", "/api/v1/cities"): Case("public", "/api/v1/cities"),
    ("GET", "/api/v1/cities/{code}"): Case("public", "/api/v1/cities/371000"),
    ("GET", "/api/v1/stations"): Case("public", "/api/v1/stations?city=371000"),
    ("GET", "/api/v1/stations/{code}"): Case("public", "/api/v1/stations/1662A"),
    ("GET", "/api/v1/stations/{code}/hours"): Case(
        "public", "/api/v1/stations/1662A/hours?start=2019-03-01&end=2019-03-02"),
    ("GET", "/api/v1/aqi/hourly"): Case(
        "public", "/api/v1/aqi/hourly?level=station&code=1662A&start=2019-03-01&end=2019-03-02"),
    ("GET", "/api/v1/aqi/daily"): Case(
        "public", "/api/v1/aqi/daily?level=city&code=371000&start=2019-03-01&end=2019-03-05"),
    ("GET", "/api/v1/assessment"): Case("public", "/api/v1/assessment?period=2019-03"),
    ("GET", "/api/v1/rankings"): Case("public", "/api/v1/rankings?period=2019-03"),
    ("GET", "/api/v1/batches"): Case("public", "/api/v1/batches"),
    ("GET", "/api/v1/batches/{batch_id}"): Case("public", "/api/v1/batches/1"),
    # ---- water (no water data in the matrix store: 404 is the honest answer, for everyone)
    ("GET", "/api/v1/water/assessment"): Case(
        "public", "/api/v1/water/assessment?period=2019-03", ok=frozenset({200, 404})),
    ("GET", "/api/v1/water/coastal"): Case(
        "public", "/api/v1/water/coastal?period=2019-03", ok=frozenset({200, 404})),
}

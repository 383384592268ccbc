"""Nothing references an external host: crawl the pages and static files of a running server.

Every same-host link (``href``, ``src``, ``action``, SVG ``xlink:href``, CSS ``url()``) is
followed from ``/`` in both languages; parametrised routes (``/city/{code}``,
``/station/{code}``) are visited for a few instances each (every city page is built by the same
template), every static file and the API's OpenAPI document in full. Any absolute URL other
than this server and the XML namespace names of SVG fails the test.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urljoin, urlparse

import httpx
import pytest


LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")
#: XML namespace names are identifiers, never fetched
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
              "http://www.w3.org/XML/1998/namespace", "http://www.w3.org/1999/xhtml"}
PER_ROUTE = 2


def _route(path: str) -> str:
    return re.sub(r"^/(city|station)/[^/]+$", r"/\1/{code}", path)


def _external(text: str, own: str) -> list[str]:
    bad = []
    for m in re.finditer(r"""(?:https?:)?//[^\s"'<>)]+""", text):
        url = m.group(0)
        if url.startswith("//") and text[max(0, m.start() - 1)] not in "\"'(= ":
            continue  # e.g. a comment "//" or a path, not a protocol-relative URL
        if url in NAMESPACES or any(url.startswith(n) for n in NAMESPACES):
            continue
        if urlparse(url if "://" in url else "http:" + url).netloc == own:
            continue
        bad.append(url)
    return bad


def test_the_detector_finds_external_references():
    own = "127.0.0.1:8000"
    # what Vega writes for a relative link (resolved against its default base URL)
    assert _external('<a xlink:href="https://vega.github.io/vega-datasets//city/1">', own)
    assert _external('<script src="//cdn.example.com/x.js"></script>', own)
    assert _external("body { background: url(http://example.org/a.png) }", own)
    assert not _external('<svg xmlns="http://www.w3.org/2000/svg" '
                         'xmlns:xlink="http://www.w3.org/1999/xlink">', own)
    assert not _external('<a href="http://127.0.0.1:8000/city/370100?lang=zh">', own)


@pytest.mark.slow
@pytest.mark.xdist_group("qingshan-web-server")
def test_no_page_or_asset_references_an_external_host(server):
    own = urlparse(server).netloc
    from qingshan.web import STATIC
    static = [f"{server}/static/{p.relative_to(STATIC).as_posix()}"
              for p in sorted(STATIC.rglob("*")) if p.is_file()]
    start = [f"{server}/?lang=zh", f"{server}/?lang=en", *static, f"{server}/favicon.ico",
             f"{server}/geo/province.geo.json", f"{server}/api/v1/openapi.json"]
    queue, seen, per_route = deque(start), set(), Counter()
    problems: dict[str, list[str]] = {}
    fetched = 0
    with httpx.Client(timeout=180) as client:
        while queue:
            url = queue.popleft()
            u = urlparse(url)
            key = (u.path, "lang=en" in u.query)
            if key in seen:
                continue
            seen.add(key)
            r = client.get(url)
            fetched += 1
            assert r.status_code < 500, (url, r.status_code)
            ctype = r.headers.get("content-type", "")
            if not any(t in ctype for t in ("html", "css", "json", "svg", "javascript")):
                continue
            text = r.text
            bad = _external(text, own)
            if bad:
                problems[url] = bad[:5]
            if "html" not in ctype and "css" not in ctype:
                continue
            for m in LINK.finditer(text):
                link = (m.group(1) or m.group(2)).replace("&amp;", "&")
                target = urljoin(url, link)
                t = urlparse(target)
                if t.netloc != own or t.path.startswith("/api/") or t.path.endswith("/upload"):
                    continue
                route = (_route(t.path), "lang=en" in t.query)
                if t.path.startswith(("/city/", "/station/")):
                    if per_route[route] >= PER_ROUTE or (t.path, route[1]) in seen:
                        continue
                    per_route[route] += 1
                queue.append(target.split("#")[0])
    assert not problems, problems
    # crawled: both overviews, data pages, city and station pages, the static files
    assert fetched >= 14
    assert ("/water", False) in seen and ("/water", True) in seen  # linked from the nav
    assert per_route[("/city/{code}", False)] and per_route[("/city/{code}", True)]
    assert per_route[("/station/{code}", False)] and per_route[("/station/{code}", True)]

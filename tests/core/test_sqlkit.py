"""quote_ident: any name stays one identifier; bad names are refused."""

import duckdb
import pytest

from qingshan.core.sqlkit import MAX_IDENT_CHARS, ident_list, known_name, quote_ident

HOSTILE = [
    'a"; DROP TABLE x; --',
    "'",
    "x' AS src, (SELECT content FROM read_text('/etc/passwd')) AS v --",
    '"',
    '""',
    "PM2.5",
    "监测点编码",
    "名\u200b称 ☃ é",
    "line\nbreak\ttab",
    "a\\b",
    "*",
    " leading and trailing ",
    "select",
    "x" * MAX_IDENT_CHARS,
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_name_is_one_identifier(name):
    con = duckdb.connect()
    con.execute("CREATE TABLE x (k INTEGER)")
    q = quote_ident(name)
    assert q.startswith('"') and q.endswith('"')
    con.execute(f"CREATE TABLE t ({q} VARCHAR)")
    con.execute(f"INSERT INTO t ({q}) VALUES (?)", ["v"])
    # the column has exactly the given name, and selecting it returns the value
    assert [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 't'").fetchall()] == [name]
    assert con.execute(f"SELECT {q} FROM t").fetchall() == [("v",)]
    # nothing else happened: table x is still there
    assert con.execute("SELECT count(*) FROM x").fetchall() == [(0,)]


def test_examples():
    assert quote_ident("PM2.5") == '"PM2.5"'
    assert quote_ident('a"; DROP TABLE x; --') == '"a""; DROP TABLE x; --"'
    assert quote_ident("'") == "\"'\""
    assert ident_list(["code", 'we"ird']) == '"code", "we""ird"'
    assert ident_list([]) == ""


@pytest.mark.parametrize("name,err,msg", [
    ("a\x00b", ValueError, "NUL"),
    ("\x00", ValueError, "NUL"),
    ("", ValueError, "empty"),
    ("x" * (MAX_IDENT_CHARS + 1), ValueError, "longer than 255"),
    (b"bytes", TypeError, "str"),
    (None, TypeError, "str"),
    (5, TypeError, "str"),
])
def test_bad_names_refused(name, err, msg):
    with pytest.raises(err, match=msg):
        quote_ident(name)
    with pytest.raises(err, match=msg):
        ident_list(["ok", name])


def test_known_name():
    assert known_name("pm25", ("pm25", "pm10")) == "pm25"
    with pytest.raises(ValueError, match="not one of the known names"):
        known_name("pm25; DROP TABLE x", ("pm25", "pm10"))

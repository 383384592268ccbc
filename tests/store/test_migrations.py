"""Migrations keyed by (domain, version): the store's own first, then each domain's in registry
order; a store made by the previous release (one numbered sequence) opens without re-applying."""

import duckdb
import pytest

from qingshan.core.registry import Domain, domains
from qingshan.store import applied_migrations, connect, db, migrate

CURRENT = [("store", 1, "0001_store.sql"), ("store", 2, "0002_batch_user.sql"),
           ("store", 3, "0003_store_meta.sql"),
           ("air", 1, "0001_air.sql"),
           ("air", 2, "0002_air_daily.sql"), ("air", 3, "0003_air_daily_aqi.sql"),
           ("water", 1, "0001_water.sql")]
#: tables added by migrations after the split (not in the previous release's schema)
LATER_TABLES = {"air_station_daily", "air_city_daily", "air_daily_state", "store_meta"}
#: columns added by migrations after the split (store 0002: who loaded each batch)
LATER_COLUMNS = [("ingest_batch", "ingested_by")]

# The previous release's bookkeeping table and rows (qingshan before migrations were keyed by
# domain: store/db.py created it and recorded the file names of store/migrations/).
OLD_DDL = ("CREATE TABLE schema_migration "
           "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
OLD_ROWS = [(1, "0001_core.sql", "2026-03-01 08:00:00"), (2, "0002_water.sql", "2026-04-02 09:30:00")]

# The schema the previous release's 0001_core.sql + 0002_water.sql created (read from a store
# made by it): per table, columns in order as "name TYPE", "!" = NOT NULL, "PK" = primary key,
# "=x" = default. Splitting the files by domain must leave it exactly so.
OLD_SCHEMA = {
    "air_city_hourly_published": (
        "city_name VARCHAR!, time TIMESTAMP!, so2 DOUBLE, no2 DOUBLE, co DOUBLE, o3 DOUBLE, pm10 "
        "DOUBLE, pm25 DOUBLE, published_aqi DOUBLE, published_pm25_24h DOUBLE, published_pm10_24h "
        "DOUBLE, published_so2_24h DOUBLE, published_no2_24h DOUBLE, published_co_24h DOUBLE, "
        "published_o3_24h DOUBLE, published_o3_8h DOUBLE, published_o3_8h_24h DOUBLE, batch_id "
        "BIGINT! "
    ),
    "air_hourly": (
        "station_code VARCHAR!, time TIMESTAMP!, so2 DOUBLE, no2 DOUBLE, co DOUBLE, o3 DOUBLE, pm10 "
        "DOUBLE, pm25 DOUBLE, published_aqi DOUBLE, published_pm25_24h DOUBLE, published_pm10_24h "
        "DOUBLE, published_so2_24h DOUBLE, published_no2_24h DOUBLE, published_co_24h DOUBLE, "
        "published_o3_24h DOUBLE, published_o3_8h DOUBLE, published_o3_8h_24h DOUBLE, qc_flags "
        "INTEGER!=0, batch_id BIGINT! "
    ),
    "batch_supersession": (
        "batch_id BIGINT!, superseded_batch_id BIGINT!, rows_replaced BIGINT!, rows_changed BIGINT! "
    ),
    "city": (
        "code VARCHAR PK, province_code VARCHAR!, name_zh VARCHAR!, short_zh VARCHAR!, name_en "
        "VARCHAR!, coastal BOOLEAN!=false "
    ),
    "city_station": (
        "city_code VARCHAR!, station_code VARCHAR! "
    ),
    "coastal_point": (
        "code VARCHAR PK, name VARCHAR!, city_code VARCHAR, zone_class INTEGER, area_km2 DOUBLE, "
        "lon DOUBLE, lat DOUBLE, batch_id BIGINT! "
    ),
    "coastal_sample": (
        "point_code VARCHAR!, sample_time TIMESTAMP!, parameter VARCHAR!, value DOUBLE, unit "
        "VARCHAR, below_detection BOOLEAN!=false, detection_limit DOUBLE, batch_id BIGINT! "
    ),
    "ingest_batch": (
        "batch_id BIGINT PK, kind VARCHAR!, file_name VARCHAR!, file_path VARCHAR, file_size "
        "BIGINT, sha256 VARCHAR!, rows_read BIGINT, rows_stored BIGINT, rows_flagged BIGINT, "
        "rows_skipped BIGINT, started_at TIMESTAMP!, finished_at TIMESTAMP, outcome VARCHAR!, "
        "summary JSON "
    ),
    "station": (
        "code VARCHAR PK, name VARCHAR!, raw_name VARCHAR!, publication_city VARCHAR, prefecture "
        "VARCHAR, province VARCHAR, lon DOUBLE, lat DOUBLE, is_control BOOLEAN!, is_stopped "
        "BOOLEAN!, stop_date DATE, batch_id BIGINT! "
    ),
    "water_auto_published": (
        "section_code VARCHAR!, sample_time TIMESTAMP!, published_class INTEGER, batch_id BIGINT! "
    ),
    "water_sample": (
        "section_code VARCHAR!, sample_time TIMESTAMP!, parameter VARCHAR!, value DOUBLE, unit "
        "VARCHAR, below_detection BOOLEAN!=false, detection_limit DOUBLE, source VARCHAR!='manual', "
        "batch_id BIGINT! "
    ),
    "water_section": (
        "code VARCHAR PK, name VARCHAR!, basin VARCHAR, river VARCHAR, water_body VARCHAR, "
        "city_code VARCHAR, control_level VARCHAR, drinking_source BOOLEAN!=false, supply_volume "
        "DOUBLE, lon DOUBLE, lat DOUBLE, batch_id BIGINT! "
    ),
    "water_section_target": (
        "section_code VARCHAR!, year INTEGER, target_class INTEGER!, batch_id BIGINT! "
    ),
}


def _schema(con):
    pk = {(t, c) for t, cs in con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type = 'PRIMARY KEY'").fetchall() for c in cs}
    out = {}
    for t, c, ty, nul, d in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM duckdb_columns() WHERE NOT internal AND table_name <> 'schema_migration' "
            "ORDER BY table_name, column_index").fetchall():
        out.setdefault(t, []).append(c + " " + ty + (" PK" if (t, c) in pk else "" if nul else "!")
                                     + (f"={d}" if d is not None else ""))
    return {t: ", ".join(v) for t, v in out.items()}


def _to_old_shape(path, rows):
    """Rewrite ``schema_migration`` of the store at ``path`` to the previous release's shape."""
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE schema_migration")
    for t in LATER_TABLES:          # the previous release did not have them
        con.execute(f"DROP TABLE IF EXISTS {t}")
    for t, c in LATER_COLUMNS:
        con.execute(f"ALTER TABLE {t} DROP COLUMN IF EXISTS {c}")
    con.execute(OLD_DDL)
    con.executemany("INSERT INTO schema_migration VALUES (?, ?, ?::TIMESTAMP)", rows)
    con.close()


def test_fresh_store_records_domain_version_name(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    assert applied_migrations(con) == CURRENT
    assert migrate(con) == []
    con.close()
    con = connect(tmp_path / "s.duckdb")
    assert applied_migrations(con) == CURRENT
    assert [c for c in _columns(con)] == ["domain", "version", "name", "applied_at"]


def _columns(con):
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'schema_migration' "
        "ORDER BY column_index").fetchall()]


def test_schema_unchanged_by_the_split():
    con = connect()
    for t, c in LATER_COLUMNS:
        con.execute(f"ALTER TABLE {t} DROP COLUMN {c}")
    now = _schema(con)
    assert set(now) - set(OLD_SCHEMA) == LATER_TABLES
    assert {t: v for t, v in now.items() if t in OLD_SCHEMA} == {
        t: v.strip() for t, v in OLD_SCHEMA.items()}


def test_sources_store_first_then_registry_order():
    assert db.migration_sources() == [("store", "qingshan.store.migrations")] + [
        (d.name, d.migrations) for d in domains() if d.migrations]
    assert [s[0] for s in db.migration_sources()] == ["store", "air", "water"]


def test_previous_release_store_opens_without_reapplying(tmp_path):
    path = tmp_path / "old.duckdb"
    con = connect(path)
    con.execute("INSERT INTO city VALUES ('370100', '370000', '济南市', '济南', 'Jinan', false)")
    con.close()
    _to_old_shape(path, OLD_ROWS)
    con = duckdb.connect(str(path))
    # upgraded in place, nothing applied again; only the migrations newer than the release
    assert migrate(con) == [("store", 2, "0002_batch_user.sql"),
                            ("store", 3, "0003_store_meta.sql"), ("air", 2, "0002_air_daily.sql"),
                            ("air", 3, "0003_air_daily_aqi.sql")]
    assert con.execute("SELECT domain, version, name, applied_at::VARCHAR FROM schema_migration "
                       "WHERE version = 1 "
                       "ORDER BY applied_at, domain DESC").fetchall() == [
        ("store", 1, "0001_store.sql", "2026-03-01 08:00:00"),
        ("air", 1, "0001_air.sql", "2026-03-01 08:00:00"),
        ("water", 1, "0001_water.sql", "2026-04-02 09:30:00")]
    assert applied_migrations(con) == CURRENT
    assert con.execute("SELECT code, short_zh FROM city").fetchall() == [("370100", "济南")]
    con.close()
    assert applied_migrations(connect(path)) == CURRENT


def test_previous_release_store_without_water_gets_water_now(tmp_path):
    path = tmp_path / "old1.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, sources=db.migration_sources()[:2])          # store + air: the old 0001_core
    con.close()
    _to_old_shape(path, [(1, "0001_core", "2026-03-01 08:00:00")])   # name without .sql too
    con = duckdb.connect(str(path))
    assert migrate(con) == [("store", 2, "0002_batch_user.sql"),
                            ("store", 3, "0003_store_meta.sql"), ("air", 2, "0002_air_daily.sql"),
                            ("air", 3, "0003_air_daily_aqi.sql"), ("water", 1, "0001_water.sql")]
    assert applied_migrations(con) == CURRENT
    assert con.execute("SELECT count(*) FROM water_section").fetchall() == [(0,)]


def test_unknown_old_rows_refused_and_left_alone(tmp_path):
    path = tmp_path / "odd.duckdb"
    connect(path).close()
    _to_old_shape(path, OLD_ROWS + [(3, "0003_future.sql", "2026-05-01 00:00:00")])
    con = duckdb.connect(str(path))
    with pytest.raises(RuntimeError, match="0003_future"):
        migrate(con)
    assert con.execute("SELECT count(*) FROM schema_migration").fetchall() == [(3,)]
    assert _columns(con) == ["version", "name", "applied_at"]


def _package(tmp_path, monkeypatch, name, files):
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for fname, sql in files.items():
        (pkg / fname).write_text(sql)
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_domain_migrations_in_version_order_and_failure_rolls_back(tmp_path, monkeypatch):
    pkg = _package(tmp_path, monkeypatch, "qs_mig_fake_a", {
        "0002_more.sql": "ALTER TABLE t ADD COLUMN b INTEGER; INSERT INTO t VALUES (1, 2);",
        "0001_first.sql": "CREATE TABLE t (a INTEGER);",
        "0003_bad.sql": "CREATE TABLE u (x INTEGER); SELECT * FROM no_such_table;",
        "notes.txt": "not a migration"})
    con = duckdb.connect()
    sources = db.migration_sources() + [("fake", pkg)]
    with pytest.raises(duckdb.Error):
        migrate(con, sources=sources)
    assert applied_migrations(con) == CURRENT + [("fake", 1, "0001_first.sql"),
                                                 ("fake", 2, "0002_more.sql")]
    assert con.execute("SELECT * FROM t").fetchall() == [(1, 2)]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'u'"
                       ).fetchall() == [(0,)]               # 0003 rolled back whole


def test_same_version_in_two_domains_is_no_clash(tmp_path, monkeypatch):
    pkg = _package(tmp_path, monkeypatch, "qs_mig_fake_b", {"0001_x.sql": "CREATE TABLE x (a INT);"})
    con = duckdb.connect()
    assert migrate(con, sources=db.migration_sources() + [("other", pkg)])[-1] == (
        "other", 1, "0001_x.sql")
    assert migrate(con, sources=db.migration_sources() + [("other", pkg)]) == []


def test_bad_migration_names_and_domain_called_store(tmp_path, monkeypatch):
    dup = _package(tmp_path, monkeypatch, "qs_mig_fake_c", {"0001_a.sql": "", "0001_b.sql": ""})
    with pytest.raises(RuntimeError, match="duplicate"):
        db.migration_files(dup)
    monkeypatch.setattr(db, "domains", lambda: [Domain(name="store", title="x", migrations=dup)])
    with pytest.raises(RuntimeError, match="may not be called"):
        db.migration_sources()

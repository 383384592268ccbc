-- 0001: core tables: ingest batches and their supersession, cities, stations, hourly air (wide).
CREATE TABLE ingest_batch (
    batch_id      BIGINT PRIMARY KEY,
    kind          VARCHAR NOT NULL,         -- stations | cnemc_sites | cnemc_cities | table | water_* ...
    file_name     VARCHAR NOT NULL,
    file_path     VARCHAR,
    file_size     BIGINT,
    sha256        VARCHAR NOT NULL,
    rows_read     BIGINT,
    rows_stored   BIGINT,
    rows_flagged  BIGINT,
    rows_skipped  BIGINT,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    outcome       VARCHAR NOT NULL,         -- loaded
    summary       JSON
);

CREATE TABLE batch_supersession (
    batch_id             BIGINT NOT NULL,   -- the new batch
    superseded_batch_id  BIGINT NOT NULL,   -- the batch whose rows it replaced
    rows_replaced        BIGINT NOT NULL,
    rows_changed         BIGINT NOT NULL
);

CREATE TABLE city (
    code          VARCHAR PRIMARY KEY,
    province_code VARCHAR NOT NULL,
    name_zh       VARCHAR NOT NULL,
    short_zh      VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    coastal       BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE station (
    code              VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,     -- name without the stop marker
    raw_name          VARCHAR NOT NULL,     -- name as published
    publication_city  VARCHAR,              -- 城市: county-level city for county stations
    prefecture        VARCHAR,              -- 地级行政区
    province          VARCHAR,              -- 省级行政区
    lon               DOUBLE,
    lat               DOUBLE,
    is_control        BOOLEAN NOT NULL,     -- 对照点 = Y
    is_stopped        BOOLEAN NOT NULL,
    stop_date         DATE,
    batch_id          BIGINT NOT NULL
);

-- Which stations are evaluation stations of which configured city (derived from the province
-- config and the station list; rebuilt whenever either changes).
CREATE TABLE city_station (
    city_code     VARCHAR NOT NULL,
    station_code  VARCHAR NOT NULL
);

-- Hourly air concentrations, one row per station-hour.
-- time: naive Beijing time (UTC+8) as published, HOUR-ENDING: the value stamped H:00 is the mean
-- over (H-1):00..H:00 (CNEMC convention). Its natural day is date(time - 1 hour).
-- Units: µg/m³, CO mg/m³. published_* columns are the archive's own values, kept for comparison
-- only and never read by qingshan's computations.
CREATE TABLE air_hourly (
    station_code  VARCHAR NOT NULL,
    time          TIMESTAMP NOT NULL,
    so2 DOUBLE, no2 DOUBLE, co DOUBLE, o3 DOUBLE, pm10 DOUBLE, pm25 DOUBLE,
    published_aqi DOUBLE,
    published_pm25_24h DOUBLE, published_pm10_24h DOUBLE, published_so2_24h DOUBLE,
    published_no2_24h DOUBLE, published_co_24h DOUBLE, published_o3_24h DOUBLE,
    published_o3_8h DOUBLE, published_o3_8h_24h DOUBLE,
    qc_flags      INTEGER NOT NULL DEFAULT 0,
    batch_id      BIGINT NOT NULL
);

-- City series as published by CNEMC (china_cities_YYYYMMDD.csv), for comparison only.
CREATE TABLE air_city_hourly_published (
    city_name     VARCHAR NOT NULL,
    time          TIMESTAMP NOT NULL,
    so2 DOUBLE, no2 DOUBLE, co DOUBLE, o3 DOUBLE, pm10 DOUBLE, pm25 DOUBLE,
    published_aqi DOUBLE,
    published_pm25_24h DOUBLE, published_pm10_24h DOUBLE, published_so2_24h DOUBLE,
    published_no2_24h DOUBLE, published_co_24h DOUBLE, published_o3_24h DOUBLE,
    published_o3_8h DOUBLE, published_o3_8h_24h DOUBLE,
    batch_id      BIGINT NOT NULL
);

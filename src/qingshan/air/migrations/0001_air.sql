-- air 0001: stations, the city→evaluation-station map, hourly air (wide).
-- (With store 0001 this was 0001_core.sql before migrations were keyed by domain.)

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

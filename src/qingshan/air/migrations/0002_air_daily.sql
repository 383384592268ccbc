-- air 0002: materialised daily statistics of stations and cities (qingshan.air.daily).
-- One row per unit and natural day that has at least one stored hour (hour-ending stamps
-- D 01:00 … D+1 00:00); columns as qingshan.air.engine.statistics.daily_stats_sql (unrounded
-- HJ 663 daily statistics, their counts and GB 3095 Table 4 validity flags). The daily AQI is
-- not stored: readers compute it from these rows by the HJ 633 version (and transition policy)
-- of the question asked, a few thousand rows at most.
-- Maintained by the ingest in the same transaction as air_hourly; rebuilt by
-- qingshan.air.daily.refresh. City rows are the statistics of the city hourly series (mean of
-- its evaluation stations in city_station at each hour).

CREATE TABLE air_station_daily (
    code VARCHAR NOT NULL, date DATE NOT NULL,
    so2 DOUBLE, so2_n BIGINT, so2_valid BOOLEAN,
    no2 DOUBLE, no2_n BIGINT, no2_valid BOOLEAN,
    co DOUBLE, co_n BIGINT, co_valid BOOLEAN,
    pm10 DOUBLE, pm10_n BIGINT, pm10_valid BOOLEAN,
    pm25 DOUBLE, pm25_n BIGINT, pm25_valid BOOLEAN,
    o3_1h_max DOUBLE, o3_1h_n BIGINT, o3_8h_max DOUBLE, o3_8h_n BIGINT,
    o3_1h_max_valid BOOLEAN, o3_8h_max_valid BOOLEAN
);

CREATE TABLE air_city_daily (
    code VARCHAR NOT NULL, date DATE NOT NULL,
    so2 DOUBLE, so2_n BIGINT, so2_valid BOOLEAN,
    no2 DOUBLE, no2_n BIGINT, no2_valid BOOLEAN,
    co DOUBLE, co_n BIGINT, co_valid BOOLEAN,
    pm10 DOUBLE, pm10_n BIGINT, pm10_valid BOOLEAN,
    pm25 DOUBLE, pm25_n BIGINT, pm25_valid BOOLEAN,
    o3_1h_max DOUBLE, o3_1h_n BIGINT, o3_8h_max DOUBLE, o3_8h_n BIGINT,
    o3_1h_max_valid BOOLEAN, o3_8h_max_valid BOOLEAN
);

-- What the daily rows were computed from: 'station' = fingerprint of air_hourly,
-- 'city' = that plus the fingerprint of city_station. Readers use the rows only when both
-- match the store now (qingshan.air.daily.fresh); otherwise they use the hourly chain.
CREATE TABLE air_daily_state (
    part VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    updated_at TIMESTAMP
);

-- air 0003: the daily AQI of each stored day (HJ 633 of the family in force that day,
-- qingshan.air.rules.family_for) and whether the day counts for day statistics
-- (qingshan.air.plan.aqi_valid_sql), next to the daily statistics of air 0002. Rows made
-- before this migration have none: the state is cleared, so readers run the hourly chain until
-- qingshan.air.daily.refresh (or the server's first request) rebuilds them.
ALTER TABLE air_station_daily ADD COLUMN aqi DOUBLE;
ALTER TABLE air_station_daily ADD COLUMN aqi_valid BOOLEAN;
ALTER TABLE air_city_daily ADD COLUMN aqi DOUBLE;
ALTER TABLE air_city_daily ADD COLUMN aqi_valid BOOLEAN;
DELETE FROM air_daily_state;

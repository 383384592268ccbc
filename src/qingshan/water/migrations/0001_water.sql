-- water 0001 (0002_water.sql before migrations were keyed by domain): surface water (GB 3838-2002 / 环办〔2011〕22号) and coastal water (GB 3097-1997).
-- Concentrations in mg/L (pH dimensionless, water temperature ℃, fecal coliform 个/L,
-- conductivity μS/cm, turbidity NTU, algae density cells/L), converted once at ingestion.
-- Times are naive Beijing time. Every data row carries the batch_id of the ingest that wrote it.

-- Assessment sections (断面). water_body: 'river' | 'lake' (lake or reservoir) | NULL (unknown:
-- river limits apply and outputs say so). supply_volume: annual water taken (万吨) for
-- drinking-water sources, used by the compliance rate by volume.
CREATE TABLE water_section (
    code            VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    basin           VARCHAR,
    river           VARCHAR,
    water_body      VARCHAR,
    city_code       VARCHAR,
    control_level   VARCHAR,              -- national | provincial | city | NULL
    drinking_source BOOLEAN NOT NULL DEFAULT false,
    supply_volume   DOUBLE,
    lon             DOUBLE,
    lat             DOUBLE,
    batch_id        BIGINT NOT NULL
);

-- Target class per section and year (year NULL = every year without its own row).
CREATE TABLE water_section_target (
    section_code  VARCHAR NOT NULL,
    year          INTEGER,
    target_class  INTEGER NOT NULL,
    batch_id      BIGINT NOT NULL
);

-- Samples, long: one row per section, time, parameter and source ('manual' | 'auto').
-- below_detection: the value was reported as not detected (未检出); value is then NULL and
-- detection_limit holds the limit; means use the configured non-detect rule.
CREATE TABLE water_sample (
    section_code    VARCHAR NOT NULL,
    sample_time     TIMESTAMP NOT NULL,
    parameter       VARCHAR NOT NULL,
    value           DOUBLE,
    unit            VARCHAR,
    below_detection BOOLEAN NOT NULL DEFAULT false,
    detection_limit DOUBLE,
    source          VARCHAR NOT NULL DEFAULT 'manual',
    batch_id        BIGINT NOT NULL
);

-- Class published by the automatic monitoring system with each record (1–6; -1 = no data is
-- stored as NULL). Comparison only; never an input to qingshan's computations.
CREATE TABLE water_auto_published (
    section_code     VARCHAR NOT NULL,
    sample_time      TIMESTAMP NOT NULL,
    published_class  INTEGER,
    batch_id         BIGINT NOT NULL
);

-- Coastal sampling points with their functional-zone (target) class (GB 3097 1..4) and the sea
-- area (km²) each point represents, used by the area-weighted excellent share.
CREATE TABLE coastal_point (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    city_code   VARCHAR,
    zone_class  INTEGER,
    area_km2    DOUBLE,
    lon         DOUBLE,
    lat         DOUBLE,
    batch_id    BIGINT NOT NULL
);

CREATE TABLE coastal_sample (
    point_code      VARCHAR NOT NULL,
    sample_time     TIMESTAMP NOT NULL,
    parameter       VARCHAR NOT NULL,
    value           DOUBLE,
    unit            VARCHAR,
    below_detection BOOLEAN NOT NULL DEFAULT false,
    detection_limit DOUBLE,
    batch_id        BIGINT NOT NULL
);

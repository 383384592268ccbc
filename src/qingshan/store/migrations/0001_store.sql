-- store 0001: the shared tables: ingest batches and their supersession (provenance of every row),
-- and the province's cities (written from the province config; read by every domain).
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

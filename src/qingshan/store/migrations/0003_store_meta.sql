-- store 0003: facts about the store itself, key → value (issue 13). Key 'synthetic': the store
-- holds generated demonstration data (set by `qingshan demo` / qingshan.air.demo.load_demo);
-- the value names what was generated. Read and written by qingshan.store.meta.
CREATE TABLE store_meta (
    key     VARCHAR PRIMARY KEY,
    value   VARCHAR NOT NULL,
    set_at  TIMESTAMP NOT NULL
);

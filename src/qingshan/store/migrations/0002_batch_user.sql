-- Who loaded each batch (issue 12): the user of the server (upload), or the CLI's --as user,
-- or cli:<operating-system user>. NULL for batches loaded before this migration.
ALTER TABLE ingest_batch ADD COLUMN ingested_by VARCHAR;

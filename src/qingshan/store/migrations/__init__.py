"""The store's own migrations (``NNNN_name.sql``): the shared tables — ingest batches, batch
supersession, the province's cities. Applied first by :func:`qingshan.store.db.migrate`."""

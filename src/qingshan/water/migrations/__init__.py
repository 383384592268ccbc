"""The water domain's migrations (``NNNN_name.sql``): sections, targets, samples, coastal points.
Registered as ``Domain.migrations``; applied by :func:`qingshan.store.db.migrate`."""

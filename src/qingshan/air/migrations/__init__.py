"""The air domain's migrations (``NNNN_name.sql``): stations, the city→station map, hourly air.
Registered as ``Domain.migrations``; applied by :func:`qingshan.store.db.migrate`."""

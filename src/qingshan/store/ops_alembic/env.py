"""Alembic environment of the operational store (see :mod:`qingshan.store.ops`)."""

from alembic import context

from qingshan.store.ops import get_engine

url = context.config.attributes["url"]
with get_engine(url).connect() as connection:
    context.configure(connection=connection, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()

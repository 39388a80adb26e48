"""Alembic environment: migrations run on the connection ``app.db.Database`` hands over.

Run them with ``python manage.py db upgrade`` (the app also upgrades at start-up).
"""
from alembic import context
from sqlalchemy import create_engine

from app.storage.records import Base


def run_on(connection):
    """Run the pending migrations on ``connection``."""
    context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # `db upgrade --sql`: print the SQL instead of running it
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif context.config.attributes.get("connection") is not None:
    run_on(context.config.attributes["connection"])
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as own_connection:
        run_on(own_connection)

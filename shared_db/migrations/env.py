from alembic import context
from sqlalchemy import create_engine

from shared_db.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))


class ForeignKeysBroken(RuntimeError):
    """A migration left rows whose foreign keys point nowhere; it was rolled back."""


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (create, copy, drop, rename); with foreign keys enforced, SQLite
        # refuses to drop a table other rows reference (hits, once decisions exist). The pragma only works
        # outside a transaction; the keys are checked before the migration commits.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite,
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
            if broken:
                raise ForeignKeysBroken(f"the migration left {len(broken)} rows with dangling foreign keys, "
                                        f"e.g. {broken[0]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()

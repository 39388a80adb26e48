"""Model versions' signed bytes in the database (model_blobs), moved in from MODELS_DIR/v<N>.pkl.

Each version that has a file in MODELS_DIR gets its bytes and their SHA-256 stored as they are: the
signature inside is checked when a worker loads the version, as it was for the file. The files stay
where they were (nothing reads them any more); the downgrade writes missing ones back.
MODELS_DIR is the one the app was started with (``Database.upgrade(models_dir=...)``), else the
environment's (settings.py). ``db upgrade --sql`` prints the table only: files cannot move in SQL text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
import hashlib
from datetime import datetime, timezone
from pathlib import Path

from alembic import context, op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The tables as this migration knows them (the app's models may change later).
versions_table = sa.table("model_versions", sa.column("version", sa.Integer()))
blobs_table = sa.table("model_blobs", sa.column("version", sa.Integer()), sa.column("checksum", sa.String()),
                       sa.column("size", sa.Integer()), sa.column("data", sa.LargeBinary()),
                       sa.column("created", sa.DateTime()))


def models_dir():
    """Where the version files are: the running app's MODELS_DIR, else the environment's."""
    configured = context.config.attributes.get("models_dir")
    if configured is None:
        from settings import Settings

        configured = Settings.MODELS_DIR
    return Path(configured)


def upgrade():
    """Create model_blobs and store every version file found in MODELS_DIR in it."""
    op.create_table(
        "model_blobs",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["version"], ["model_versions.version"],
                                name=op.f("fk_model_blobs_version_model_versions")),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_model_blobs")),
    )
    if context.is_offline_mode():
        return
    folder = models_dir()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for version in op.get_bind().execute(sa.select(versions_table.c.version)).scalars():
        path = folder / f"v{version}.pkl"
        if path.is_file():
            data = path.read_bytes()
            op.get_bind().execute(blobs_table.insert().values(
                version=version, checksum=hashlib.sha256(data).hexdigest(), size=len(data), data=data, created=now))


def downgrade():
    """Write each stored version back to MODELS_DIR/v<N>.pkl where no file is there, then drop model_blobs."""
    if not context.is_offline_mode():
        folder = models_dir()
        for version, data in op.get_bind().execute(sa.select(blobs_table.c.version, blobs_table.c.data)):
            path = folder / f"v{version}.pkl"
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
    op.drop_table("model_blobs")

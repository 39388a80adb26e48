"""Blocks of prediction ids a process hands out before the rows are written (the background writer).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    """The id_blocks table, its predictions row starting after the highest stored id."""
    op.create_table(
        "id_blocks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("next_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_id_blocks")),
    )
    op.execute("INSERT INTO id_blocks (name, next_id) SELECT 'predictions', COALESCE(MAX(id), 0) + 1 FROM predictions")


def downgrade():
    op.drop_table("id_blocks")

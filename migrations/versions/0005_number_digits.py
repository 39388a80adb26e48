"""Predictions that are digits of a number (POST /api/predict/number): the number they belong to and their box.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    """Add predictions.number_id (indexed) and predictions.box; single-digit predictions leave them NULL."""
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(sa.Column("number_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
        batch.add_column(sa.Column("box", sa.JSON(), nullable=True))
        batch.create_index(op.f("ix_predictions_number_id"), ["number_id"])


def downgrade():
    """Drop them again (which predictions formed a number is lost)."""
    with op.batch_alter_table("predictions") as batch:
        batch.drop_index(op.f("ix_predictions_number_id"))
        batch.drop_column("box")
        batch.drop_column("number_id")

"""Each version's reference accuracy; each feedback's client (a keyed hash of its address) and review status.

Feedback stored before this revision counts as accepted (it was trained on until now) from no known client.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    """Add model_versions.reference and feedback.client / status / reviewed with their indexes."""
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(sa.Column("reference", sa.JSON(), nullable=True))
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("client", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="accepted", nullable=False))
        batch.add_column(sa.Column("reviewed", sa.DateTime(), nullable=True))
        batch.create_check_constraint(op.f("ck_feedback_status"), "status IN ('pending', 'accepted', 'rejected')")
        batch.create_index(op.f("ix_feedback_client"), ["client"])
        batch.create_index(op.f("ix_feedback_status"), ["status"])


def downgrade():
    """Drop them again (review decisions and client hashes are lost)."""
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index(op.f("ix_feedback_status"))
        batch.drop_index(op.f("ix_feedback_client"))
        batch.drop_constraint(op.f("ck_feedback_status"), type_="check")
        batch.drop_column("reviewed")
        batch.drop_column("status")
        batch.drop_column("client")
    # a plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): recreating model_versions would break the foreign
    # keys of the tables that refer to it (model_blobs)
    op.drop_column("model_versions", "reference")

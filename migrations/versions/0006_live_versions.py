"""When each model version was first served (model_versions.live_since): the quality gate compares a new
version with the best of the versions that were live, not only with the active one.

The history before this revision is not known: the active version and the first ready one (the first
shipped) are marked live.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    """Add model_versions.live_since; mark the active version and the first shipped one."""
    op.add_column("model_versions", sa.Column("live_since", sa.DateTime(), nullable=True))
    op.execute("UPDATE model_versions SET live_since = COALESCE("
               "(SELECT activated FROM active_model WHERE id = 1), CURRENT_TIMESTAMP) "
               "WHERE version IN (SELECT version FROM active_model WHERE id = 1) "
               "OR version = (SELECT MIN(version) FROM model_versions WHERE status = 'ready')")


def downgrade():
    """Drop it again (which versions were live is lost)."""
    op.drop_column("model_versions", "live_since")

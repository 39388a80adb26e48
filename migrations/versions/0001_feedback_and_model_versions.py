"""Predictions, feedback on them, model versions and the active version.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    """Create the four tables and the single active-model row."""
    op.create_table(
        "model_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("updated", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("samples", sa.JSON(), nullable=True),
        sa.Column("cv_accuracy", sa.Float(), nullable=True),
        sa.Column("feedback_accuracy", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('training', 'ready', 'failed')", name=op.f("ck_model_versions_status")),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_model_versions")),
    )
    op.create_index("uq_model_versions_one_training", "model_versions", ["status"], unique=True,
                    sqlite_where=sa.text("status = 'training'"), postgresql_where=sa.text("status = 'training'"))
    active = op.create_table(
        "active_model",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("activated", sa.DateTime(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_active_model_single_row")),
        sa.ForeignKeyConstraint(["version"], ["model_versions.version"],
                                name=op.f("fk_active_model_version_model_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_active_model")),
    )
    op.bulk_insert(active, [{"id": 1, "version": None, "activated": None}])
    op.create_table(
        "predictions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("features", sa.LargeBinary(), nullable=False),
        sa.Column("digit", sa.SmallInteger(), nullable=False),
        sa.Column("probabilities", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["model_version"], ["model_versions.version"],
                                name=op.f("fk_predictions_model_version_model_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_predictions")),
    )
    op.create_index(op.f("ix_predictions_created"), "predictions", ["created"])
    op.create_table(
        "feedback",
        sa.Column("id", BigId, nullable=False),
        sa.Column("prediction_id", BigId, nullable=False),
        sa.Column("label", sa.SmallInteger(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.CheckConstraint("label BETWEEN 0 AND 9", name=op.f("ck_feedback_label")),
        sa.ForeignKeyConstraint(["prediction_id"], ["predictions.id"],
                                name=op.f("fk_feedback_prediction_id_predictions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("prediction_id", name=op.f("uq_feedback_prediction_id")),
    )
    op.create_index(op.f("ix_feedback_created"), "feedback", ["created"])


def downgrade():
    """Drop the tables (data is lost)."""
    op.drop_table("feedback")
    op.drop_table("predictions")
    op.drop_table("active_model")
    op.drop_index("uq_model_versions_one_training", table_name="model_versions")
    op.drop_table("model_versions")

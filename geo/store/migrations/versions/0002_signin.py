"""Sign-in hardening: failure counters per account and client, server-side sessions, session epochs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"))
    op.drop_table("login_failures")  # per-name counts of at most 15 minutes: nothing worth carrying over
    op.create_table(
        "signin_counters",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("subject", sa.String(128), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("last_at", TZ, nullable=False),
        sa.Column("audit_id", sa.Integer),
    )
    op.create_index("ix_signin_counters_last_at", "signin_counters", ["last_at"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("handoff_hash", sa.String(64), unique=True),
        sa.Column("handoff_until", TZ),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen", TZ, nullable=False),
        sa.Column("ended_at", TZ),
        sa.Column("end_reason", sa.String(16)),
    )
    op.create_index("ix_web_sessions_last_seen", "web_sessions", ["last_seen"])
    op.create_table(
        "store_secrets", sa.Column("name", sa.String(64), primary_key=True), sa.Column("value", sa.Text, nullable=False)
    )


def downgrade() -> None:
    for name in ("store_secrets", "web_sessions", "signin_counters"):
        op.drop_table(name)
    op.create_table(
        "login_failures",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failed_at", TZ, nullable=False),
    )
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")

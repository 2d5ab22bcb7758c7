"""The first schema: versions (with their data), users, login failures, aliases, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "store_state", sa.Column("id", sa.Integer, primary_key=True), sa.Column("serial", sa.Integer, nullable=False)
    )
    op.execute(sa.text("INSERT INTO store_state (id, serial) VALUES (1, 0)"))
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16)),
        sa.Column("periods", sa.Text, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published_by", sa.String(128), nullable=False),
        sa.Column("published_at", TZ, nullable=False),
        sa.Column("retracted", sa.Boolean, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("n_matched", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("ix_versions_sha256", "versions", ["sha256"])
    op.create_table(
        "version_data",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True),
        sa.Column("original", sa.LargeBinary, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("rows", sa.LargeBinary, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("email", sa.String(255), unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failed_at", TZ, nullable=False),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("name_key", sa.String(255), nullable=False),
        sa.Column("kode", sa.String(32), nullable=False),
        sa.Column("parent", sa.String(32)),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("removed_by", sa.String(128)),
        sa.Column("removed_at", TZ),
    )
    op.create_index("ix_aliases_name_key", "aliases", ["name_key"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("who", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("audit", "aliases", "login_failures", "users", "version_data", "versions", "store_state"):
        op.drop_table(name)

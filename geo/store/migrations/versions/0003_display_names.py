"""Display names for visitors, and sign-in counters per (account, address) pair.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("display_name", sa.String(128)))
    with op.batch_alter_table("signin_counters") as batch:  # "<address> <name>" needs up to 193 characters
        batch.alter_column("subject", type_=sa.String(256), existing_type=sa.String(128), existing_nullable=False)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM signin_counters WHERE kind = 'pair'"))
    with op.batch_alter_table("signin_counters") as batch:
        batch.alter_column("subject", type_=sa.String(128), existing_type=sa.String(256), existing_nullable=False)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("display_name")

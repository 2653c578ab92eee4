"""Reset links: when the last one was sent (issue 14, item 7)

No new reset link is sent while the last one still works.

Revision ID: b14a00000004
Revises: b14a00000003
Create Date: 2026-12-01 17:03:15.906381

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b14a00000004'
down_revision = 'b14a00000003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_reset_sent_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_reset_sent_at')

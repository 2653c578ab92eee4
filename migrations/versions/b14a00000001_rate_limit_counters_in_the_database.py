"""Rate-limit counters in the database (issue 14, item 3)

The default RATELIMIT_STORAGE_URI, database://, counts here, so every gunicorn worker and every app
server shares one count (courseware/core/rate_limits.py).

Revision ID: b14a00000001
Revises: o21a0retention
Create Date: 2026-12-01 15:56:20.423726

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b14a00000001'
down_revision = 'o21a0retention'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_counter',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter'))
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counter_expires'), ['expires'], unique=False)



def downgrade():
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_expires'))

    op.drop_table('rate_limit_counter')

"""Retention: warnings before an inactive account is erased, the record of what the policy did, and the
note on a submission whose attachment it removed

Revision ID: o21a0retention
Revises: e17a00000001
Create Date: 2026-12-01 16:24:03.827687

"""
from alembic import op
import sqlalchemy as sa

revision = 'o21a0retention'
down_revision = 'e17a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.Enum('warned', 'erased', 'attachment removed', 'mail deleted', name='retentionaction', native_enum=False, length=24), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_record'))
    )
    with op.batch_alter_table('retention_record', schema=None) as batch_op:
        batch_op.create_index('ix_retention_record_at', ['at', 'id'], unique=False)

    op.create_table('retention_notice',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('warned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erase_after', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_retention_notice_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_retention_notice'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_removed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('attachment_removed_at')

    op.drop_table('retention_notice')
    with op.batch_alter_table('retention_record', schema=None) as batch_op:
        batch_op.drop_index('ix_retention_record_at')

    op.drop_table('retention_record')

"""Sign in with the organisation's account: linked identities, SSO requirements (issue 22)

One row per account at an OpenID provider that signs in to an account here, found by the provider's
subject; one per provider whose domains an admin has closed to passwords.

Revision ID: s22a00000001
Revises: s16a00000001
Create Date: 2026-12-01 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's22a00000001'
down_revision = 's16a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('linked_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_account', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_linked_identity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_identity')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_linked_identity_provider'))
    )
    with op.batch_alter_table('linked_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_linked_identity_user_id'), ['user_id'], unique=False)

    op.create_table('sso_requirement',
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('required_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('required_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['required_by_id'], ['user.id'], name=op.f('fk_sso_requirement_required_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('provider', name=op.f('pk_sso_requirement'))
    )


def downgrade():
    op.drop_table('sso_requirement')
    with op.batch_alter_table('linked_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_linked_identity_user_id'))
    op.drop_table('linked_identity')

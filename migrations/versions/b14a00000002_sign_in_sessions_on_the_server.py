"""Sign-in sessions on the server (issue 14, item 2)

Every sign-in gets a row in sign_in_session; the cookie holds a random token whose SHA-256 is stored.
The per-user session_token column, which could only sign everybody out at once, goes. Upgrading signs
everyone out (their cookies name no session record).

Revision ID: b14a00000002
Revises: b14a00000001
Create Date: 2026-12-01 16:29:18.762017

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b14a00000002'
down_revision = 'b14a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('device', sa.String(length=60), nullable=False),
    sa.Column('network', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sign_in_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_session_token_hash'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_last_seen_at'), ['last_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.VARCHAR(length=32), nullable=True))
    # Every account needs a token of its own again (everyone is signed out by the downgrade).
    conn = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    for (user_id,) in conn.execute(sa.select(user.c.id)).all():
        conn.execute(user.update().where(user.c.id == user_id).values(session_token=secrets.token_urlsafe(16)))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.VARCHAR(length=32), nullable=False)

    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_session_last_seen_at'))

    op.drop_table('sign_in_session')

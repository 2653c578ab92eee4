"""Self-check attempts and their answers (issue 16)

Every submitted self-check is kept (the form's one-time token is unique, so a double submit stores one
attempt), with the answer given to each question and whether it was the learner's first answer to it; and
the running sums of the item analysis, one row per question and per option.

Revision ID: s16a00000001
Revises: b14a00000004
Create Date: 2026-12-01 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's16a00000001'
down_revision = 'b14a00000004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('self_check_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('unit_slug', sa.String(length=80), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_self_check_attempt_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_check_attempt')),
    sa.UniqueConstraint('token', name='uq_self_check_attempt_token')
    )
    with op.batch_alter_table('self_check_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_self_check_attempt_user_module', ['user_id', 'module_slug'], unique=False)

    op.create_table('self_check_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=200), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('first', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['self_check_attempt.id'], name=op.f('fk_self_check_answer_attempt_id_self_check_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_self_check_answer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_check_answer')),
    sa.UniqueConstraint('attempt_id', 'question_id', name='uq_self_check_answer_attempt_question')
    )
    with op.batch_alter_table('self_check_answer', schema=None) as batch_op:
        batch_op.create_index('ix_self_check_answer_item', ['module_slug', 'question_id', 'first'], unique=False)
        batch_op.create_index('ix_self_check_answer_user', ['user_id', 'module_slug'], unique=False)

    op.create_table('self_check_item_stat',
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('learners', sa.Integer(), nullable=False),
    sa.Column('right', sa.Integer(), nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.Column('sum_c', sa.Float(), nullable=False),
    sa.Column('sum_x', sa.Float(), nullable=False),
    sa.Column('sum_xx', sa.Float(), nullable=False),
    sa.Column('sum_cx', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('module_slug', 'question_id', name=op.f('pk_self_check_item_stat'))
    )
    op.create_table('self_check_option_stat',
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('option_value', sa.String(length=1), nullable=False),
    sa.Column('chosen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('module_slug', 'question_id', 'option_value', name=op.f('pk_self_check_option_stat'))
    )


def downgrade():
    op.drop_table('self_check_option_stat')
    op.drop_table('self_check_item_stat')
    with op.batch_alter_table('self_check_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_self_check_answer_user')
        batch_op.drop_index('ix_self_check_answer_item')
    op.drop_table('self_check_answer')
    with op.batch_alter_table('self_check_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_self_check_attempt_user_module')
    op.drop_table('self_check_attempt')

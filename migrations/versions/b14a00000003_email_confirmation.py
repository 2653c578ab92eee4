"""Email confirmation (issue 14, item 5)

user.email_confirmed_at: when the owner followed a confirmation (or reset) link. Accounts of tutors and
admins, which only the operator creates, count as confirmed; learners confirm once the operator turns
EMAIL_CONFIRMATION on.

Revision ID: b14a00000003
Revises: b14a00000002
Create Date: 2026-12-01 16:50:14.029600

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b14a00000003'
down_revision = 'b14a00000002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE \"user\" SET email_confirmed_at = created_at WHERE role IN ('tutor', 'admin')")


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')

"""One mail-preference vocabulary: instant, daily, off

The forums said "instant / digest / off" and the tutors' settings "at-once / daily / off"; both now
store core.vocabulary.MailPreference values. Only data changes; the columns stay as they are.

Revision ID: a1c0de000013
Revises: f9c6c0ef3434
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op

revision = 'a1c0de000013'
down_revision = 'f9c6c0ef3434'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE forum_subscription SET mode = 'daily' WHERE mode = 'digest'")
    op.execute("UPDATE tutor_mail_preference SET new_submissions = 'instant' WHERE new_submissions = 'at-once'")


def downgrade():
    op.execute("UPDATE forum_subscription SET mode = 'digest' WHERE mode = 'daily'")
    op.execute("UPDATE tutor_mail_preference SET new_submissions = 'at-once' WHERE new_submissions = 'instant'")

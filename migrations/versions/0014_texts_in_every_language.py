"""texts written in every language

Revision ID: 0014
Revises: 0013
Create Date: 2027-02-01 10:00:00

What organisers, speakers and rapporteurs write for readers is kept in every language it is
given in, as JSON by language in the column that held the one text (``workshop.translated``). The
columns that were bounded lines become text, since two languages need more room than one; a text
written before stays readable as it is (its language is told by its script).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

WIDENED = {  # table: {column: its length before}
    "event": {"title": 200, "summary": 500, "venue": 200, "city": 100},
    "event_partner": {"name": 200},
    "agenda_session": {"title": 300},
    "speaker": {"title": 200, "affiliation": 200},
    "question": {"label": 300, "help_text": 500},
    "evaluation_question": {"label": 300, "help_text": 500},
    "report_section": {"title": 200},
    "letterhead": {"signatory_1_title": 200, "signatory_2_title": 200},
    "material": {"title": 300},
}


def upgrade():
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.String(length), type_=sa.Text())


def downgrade():
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length))

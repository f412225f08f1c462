"""the roles at events, and the evaluations answered, found by person and registration

Revision ID: 0034
Revises: 0033
Create Date: 2027-04-09 10:00:00

Every page a signed-in person opens asks whether they organise or check people in at some event
(the menus depend on it), and "My registrations" asks of each registration whether it answered
its event's evaluation; the tables were keyed by event first, so those questions read them whole.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

INDEXED = (("event_organiser", "user_id"), ("check_in_staff", "user_id"), ("evaluation_submission", "registration_id"))


def upgrade():
    for table, column in INDEXED:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade():
    for table, column in INDEXED:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)

"""On PostgreSQL, the database itself refuses to change audit rows, or to delete any younger than
the minimum retention (365 days), whatever path the statement took (raw SQL, a shell, a bug).

Only the table's owner can drop the trigger; production should run the app under a role that does
not own it (docs/deploy.md). SQLite has no such guard: there the model refuses.
"""

from django.db import migrations

MIN_RETENTION = "365 days"

CREATE = f"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit_auditevent is append-only: UPDATE of row % refused', OLD.id;
    END IF;
    IF OLD.at > now() - interval '{MIN_RETENTION}' THEN
        RAISE EXCEPTION 'audit_auditevent: row % is within the retention period and cannot be deleted', OLD.id;
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER audit_auditevent_no_update
    BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE TRIGGER audit_auditevent_no_recent_delete
    BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_recent_delete ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the % in RAISE is plpgsql's, not a placeholder.
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

from django.db import migrations

FORBID = """
CREATE FUNCTION facts_verdict_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'verdicts are append-only: record a new verdict instead of changing one'
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER facts_verdict_append_only
    BEFORE UPDATE OR DELETE ON facts_verdict
    FOR EACH ROW EXECUTE FUNCTION facts_verdict_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS facts_verdict_append_only ON facts_verdict;
DROP FUNCTION IF EXISTS facts_verdict_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("facts", "0001_initial")]
    operations = [migrations.RunSQL(FORBID, ALLOW)]

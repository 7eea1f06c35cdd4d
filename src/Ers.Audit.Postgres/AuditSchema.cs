namespace Ers.Audit.Postgres;

/// <summary>
/// The audit schema Ers owns in PostgreSQL (schema <c>ers_audit</c>): the migrations in order, and the names other
/// code refers to.
/// </summary>
public static class AuditSchema
{
    public const string Schema = "ers_audit";
    public const string Table = "ers_audit.audit_record";
    public const string MigrationsTable = "ers_audit.schema_migrations";
    public const string ChainTable = "ers_audit.audit_chain";

    /// <summary>
    /// Key of the transaction-scoped advisory lock every migrator run takes first, so concurrent runs (two pods
    /// starting, an operator and a job) apply each step exactly once. The value spells "ERSAUDIT".
    /// </summary>
    public const long MigrationLockKey = 0x4552_5341_5544_4954;

    public static IReadOnlyList<AuditMigration> Migrations { get; } =
    [
        new(1, "audit_record table, auditor indexes, append-only trigger", """
            CREATE TABLE ers_audit.audit_record (
                id                uuid        PRIMARY KEY,
                time              timestamptz NOT NULL,
                event             text        NOT NULL,
                outcome           text        NOT NULL,
                reason            text,
                user_id           text,
                role_profile_id   text,
                ods_code          text,
                business_function text,
                session_id        text,
                workstation_id    text,
                card_id           text
            );

            COMMENT ON TABLE ers_audit.audit_record IS
                'Ers audit trail: one row per authentication attempt, refusal, role choice and session end. Append-only.';

            -- The auditors' questions: who logged in at this organisation between these times; everything one card,
            -- user, workstation or session did. Partial: most events carry only some of these keys.
            CREATE INDEX audit_record_ods_time         ON ers_audit.audit_record (ods_code, time)       WHERE ods_code IS NOT NULL;
            CREATE INDEX audit_record_card_time        ON ers_audit.audit_record (card_id, time)        WHERE card_id IS NOT NULL;
            CREATE INDEX audit_record_user_time        ON ers_audit.audit_record (user_id, time)        WHERE user_id IS NOT NULL;
            CREATE INDEX audit_record_workstation_time ON ers_audit.audit_record (workstation_id, time) WHERE workstation_id IS NOT NULL;
            CREATE INDEX audit_record_session_time     ON ers_audit.audit_record (session_id, time)     WHERE session_id IS NOT NULL;
            -- Rows arrive in roughly time order, so a BRIN index answers plain time ranges at almost no cost.
            CREATE INDEX audit_record_time_brin        ON ers_audit.audit_record USING brin (time);

            -- Append-only in the database itself, whatever role connects: history cannot be rewritten by the app.
            CREATE FUNCTION ers_audit.reject_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'ers_audit.audit_record is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$;

            CREATE TRIGGER audit_record_no_update_delete
                BEFORE UPDATE OR DELETE ON ers_audit.audit_record
                FOR EACH ROW EXECUTE FUNCTION ers_audit.reject_audit_change();

            CREATE TRIGGER audit_record_no_truncate
                BEFORE TRUNCATE ON ers_audit.audit_record
                FOR EACH STATEMENT EXECUTE FUNCTION ers_audit.reject_audit_change();

            REVOKE UPDATE, DELETE, TRUNCATE ON ers_audit.audit_record FROM PUBLIC;
            """),
        new(2, "audit_chain: one hash chain per writer over every record it stores", """
            -- No foreign key to audit_record: it would stop a TRUNCATE before the append-only trigger could refuse it,
            -- and `ers audit verify` finds a link whose record is gone as a gap anyway.
            CREATE TABLE ers_audit.audit_chain (
                chain      uuid   NOT NULL,
                seq        bigint NOT NULL,
                record_id  uuid   NOT NULL UNIQUE,
                prev_hash  bytea  NOT NULL,
                hash       bytea  NOT NULL,
                PRIMARY KEY (chain, seq)
            );

            COMMENT ON TABLE ers_audit.audit_chain IS
                'Link seq of a writer''s chain: hash = MAC(prev_hash, the record). Checked by `ers audit verify`. Append-only.';

            CREATE TRIGGER audit_chain_no_update_delete
                BEFORE UPDATE OR DELETE ON ers_audit.audit_chain
                FOR EACH ROW EXECUTE FUNCTION ers_audit.reject_audit_change();

            CREATE TRIGGER audit_chain_no_truncate
                BEFORE TRUNCATE ON ers_audit.audit_chain
                FOR EACH STATEMENT EXECUTE FUNCTION ers_audit.reject_audit_change();

            REVOKE UPDATE, DELETE, TRUNCATE ON ers_audit.audit_chain FROM PUBLIC;
            """),
        new(3, "audit_record (time, id) index: audit search pages over a time range", """
            -- Audit search pages in (time, id) order with a keyset cursor. The (key, time) indexes serve the searches
            -- that name a user, card, workstation, session or ODS code; a search by time range alone had only the BRIN
            -- index, which cannot give rows in order, so every page sorted the whole range. IF NOT EXISTS: on a large
            -- table an operator may build it first with CREATE INDEX CONCURRENTLY under this name (this step,
            -- in the migration's transaction, holds off appends while it builds).
            CREATE INDEX IF NOT EXISTS audit_record_time_id ON ers_audit.audit_record (time, id);
            """),
        new(4, "audit_record subject_user_id, subject_ods_code: whom an action on a user was about", """
            -- A Registration Authority's action names the RA in user_id and ods_code and the user it acted on here, so
            -- a search by that user or organisation finds it. Nullable with no default: adding them rewrites no row
            -- (the append-only trigger is not involved) and every older record keeps its fields, these NULL.
            ALTER TABLE ers_audit.audit_record ADD COLUMN subject_user_id text;
            ALTER TABLE ers_audit.audit_record ADD COLUMN subject_ods_code text;
            CREATE INDEX audit_record_subject_user_time ON ers_audit.audit_record (subject_user_id, time) WHERE subject_user_id IS NOT NULL;
            CREATE INDEX audit_record_subject_ods_time  ON ers_audit.audit_record (subject_ods_code, time) WHERE subject_ods_code IS NOT NULL;
            """),
    ];

    public static int LatestVersion => Migrations[^1].Version;
}

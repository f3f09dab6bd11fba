-- The audit log (EP-14…18): authentication successes and failures and every state-changing admin action.
-- Entries older than an archive's cut-off move to an XML file under DATA_DIR/audit-archives/.
CREATE TABLE audit_log (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    event_type text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL DEFAULT '',
    username text NOT NULL DEFAULT '',
    user_id text NOT NULL DEFAULT '',
    user_type text NOT NULL DEFAULT '',
    data jsonb NOT NULL DEFAULT '[]'::jsonb,
    ip text NOT NULL DEFAULT '',
    store_id uuid
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_event_idx ON audit_log (event_type);

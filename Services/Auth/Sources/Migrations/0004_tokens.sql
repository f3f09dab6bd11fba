-- A log-in session: one per successful login, carried on by refresh-token rotation. Revoking a session
-- kills its refresh tokens and every access token issued in it.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_type text NOT NULL CHECK (user_type IN ('admin', 'customer', 'seller')),
    user_id uuid NOT NULL,
    store_id uuid REFERENCES stores (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_type, user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Refresh tokens, by SHA-256 digest. Each is used once: using it sets used_at and issues the next one;
-- presenting a used token again revokes its whole session (a stolen token family dies).
CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Access tokens (JWT ids) issued, with their session, so that revocation reaches them before they expire.
-- A row without a session is a revocation of a token issued elsewhere.
CREATE TABLE issued_tokens (
    jti text PRIMARY KEY,
    session_id uuid REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX issued_tokens_session_idx ON issued_tokens (session_id);

CREATE TRIGGER sessions_credentials_changed AFTER UPDATE OF revoked_at ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
CREATE TRIGGER issued_tokens_revoked AFTER UPDATE OF revoked_at ON issued_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
CREATE TRIGGER issued_tokens_revoked_on_insert AFTER INSERT ON issued_tokens
    FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION notify_credentials_changed();

-- Sliding-window rate limits shared by every replica: the times of the accepted hits of the last window.
CREATE TABLE rate_limits (
    bucket text PRIMARY KEY,
    hits timestamptz[] NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Password-reset tokens, by SHA-256 digest: single use, expiring.
CREATE TABLE password_resets (
    token_hash text PRIMARY KEY,
    user_type text NOT NULL CHECK (user_type IN ('admin', 'customer', 'seller')),
    user_id uuid NOT NULL,
    store_id uuid REFERENCES stores (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_type, user_id);

-- Merchant API credentials (HTTP Basic userId:apiKey on /enterprise/*), bound to one store. The key is
-- shown once at creation; only its SHA-256 digest is kept. user_id is a random UUID, unique by construction.
CREATE TABLE merchant_credentials (
    store_id uuid NOT NULL REFERENCES stores (id),
    user_id text NOT NULL,
    api_key_hash text NOT NULL,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CONSTRAINT merchant_credentials_pkey PRIMARY KEY (store_id, user_id)
);
CREATE INDEX merchant_credentials_user_idx ON merchant_credentials (user_id);

CREATE TRIGGER merchant_credentials_changed AFTER UPDATE OR DELETE ON merchant_credentials
    FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();

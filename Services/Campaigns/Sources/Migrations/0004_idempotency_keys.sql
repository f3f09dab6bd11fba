-- Idempotency-Key of the campaigns service's POSTs (the ledger's table, in this schema): a buy retried with
-- the same key replays the first response instead of spending again.
CREATE TABLE campaigns.idempotency_keys (
    store_id uuid NOT NULL,
    key text NOT NULL,
    caller text NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    request_hash text NOT NULL,
    status integer,
    content_type text,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (store_id, caller, key)
);
CREATE INDEX idempotency_keys_created_idx ON campaigns.idempotency_keys (created_at);

-- Idempotency-Key of the auth service's POSTs (DESIGN §9): a request sent again with the same key and body
-- replays the first answer instead of running again. The same table as the ledger's, in this schema.
CREATE TABLE auth.idempotency_keys (
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
CREATE INDEX idempotency_keys_created_idx ON auth.idempotency_keys (created_at);

-- The answers kept for `Idempotency-Key` (DESIGN §9), for every service: a request sent again with the same key
-- and body replays the first answer. `service` and `store_id` scope the keys (all zeros for global endpoints).
CREATE TABLE suite.idempotency_keys (
    service text NOT NULL,
    store_id uuid NOT NULL,
    key text NOT NULL,
    -- Who sent it: keys of different callers never collide.
    caller text NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    request_hash text NOT NULL,
    status integer,
    content_type text,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (service, store_id, caller, key)
);
CREATE INDEX idempotency_keys_created_idx ON suite.idempotency_keys (created_at);

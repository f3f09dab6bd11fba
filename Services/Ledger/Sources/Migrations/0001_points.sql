-- Points of every customer of every store: one account row per customer (the balances, kept in step with
-- the transfers in the same transaction) and the transfers themselves (the journal the balances come from).

-- How points of a store expire and lock (extensions §7). One row per store; a store without a row uses the
-- defaults: after_x_days / 30 days, never locked.
CREATE TABLE ledger.points_settings (
    store_id uuid PRIMARY KEY,
    expiry_method text NOT NULL DEFAULT 'after_x_days'
        CHECK (expiry_method IN ('all_time_active', 'after_x_days', 'at_the_end_of_the_month', 'at_the_end_of_the_year')),
    active_days integer NOT NULL DEFAULT 30 CHECK (active_days > 0),
    -- NULL: new points are spendable at once (allTimeNotLocked); N: they are pending for N days.
    locked_days integer CHECK (locked_days > 0),
    returns_enabled boolean NOT NULL DEFAULT true
);

CREATE TABLE ledger.accounts (
    store_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    -- Spendable: the unused part of active adding / p2p_adding transfers.
    available numeric(18,2) NOT NULL DEFAULT 0,
    -- Pending (locked) adding transfers, not yet spendable.
    locked numeric(18,2) NOT NULL DEFAULT 0,
    -- Taken out of `available` by block transfers until they are canceled.
    blocked numeric(18,2) NOT NULL DEFAULT 0,
    earned numeric(18,2) NOT NULL DEFAULT 0,
    spent numeric(18,2) NOT NULL DEFAULT 0,
    expired numeric(18,2) NOT NULL DEFAULT 0,
    p2p_received numeric(18,2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_pkey PRIMARY KEY (store_id, customer_id),
    CONSTRAINT accounts_id_key UNIQUE (store_id, id),
    CONSTRAINT accounts_available_not_negative CHECK (available >= 0),
    CONSTRAINT accounts_locked_not_negative CHECK (locked >= 0),
    CONSTRAINT accounts_blocked_not_negative CHECK (blocked >= 0)
);

-- Every movement of points. Credits (`adding`, `p2p_adding`) keep `remaining`, the part no debit has used
-- yet; debits (`spending`, `p2p_spending`) use credits oldest first and record what they used in
-- `allocations`. A block is a `spending` transfer in state `blocked` until it is canceled.
CREATE TABLE ledger.transfers (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    customer_id uuid NOT NULL,
    type text NOT NULL CHECK (type IN ('adding', 'spending', 'p2p_adding', 'p2p_spending')),
    state text NOT NULL CHECK (state IN ('active', 'pending', 'expired', 'canceled', 'blocked')),
    value numeric(18,2) NOT NULL CHECK (value > 0),
    remaining numeric(18,2) NOT NULL DEFAULT 0 CHECK (remaining >= 0),
    -- What expiry took from a credit (its remaining part at that moment).
    expired_amount numeric(18,2) NOT NULL DEFAULT 0,
    comment text,
    issuer text NOT NULL DEFAULT 'admin',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    locked_until timestamptz,
    expired_at timestamptz,
    canceled_at timestamptz,
    transaction_id uuid,
    revised_transaction_id uuid,
    counterpart_customer_id uuid,
    invitation_id uuid,
    earning_rule_id uuid,
    CONSTRAINT transfers_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT transfers_account_fkey FOREIGN KEY (store_id, customer_id) REFERENCES ledger.accounts (store_id, customer_id)
);
CREATE INDEX transfers_customer_idx ON ledger.transfers (store_id, customer_id, created_at);
CREATE INDEX transfers_fifo_idx ON ledger.transfers (store_id, customer_id, created_at, id)
    WHERE state = 'active' AND remaining > 0;
CREATE INDEX transfers_due_expiry_idx ON ledger.transfers (expires_at)
    WHERE state = 'active' AND type IN ('adding', 'p2p_adding');
CREATE INDEX transfers_due_unlock_idx ON ledger.transfers (locked_until) WHERE state = 'pending';
CREATE INDEX transfers_transaction_idx ON ledger.transfers (store_id, transaction_id) WHERE transaction_id IS NOT NULL;
CREATE INDEX transfers_created_idx ON ledger.transfers (store_id, created_at);

-- Which credits a debit used, and how much of each.
CREATE TABLE ledger.allocations (
    store_id uuid NOT NULL,
    debit_id uuid NOT NULL,
    credit_id uuid NOT NULL,
    amount numeric(18,2) NOT NULL CHECK (amount > 0),
    CONSTRAINT allocations_pkey PRIMARY KEY (store_id, debit_id, credit_id),
    CONSTRAINT allocations_debit_fkey FOREIGN KEY (store_id, debit_id) REFERENCES ledger.transfers (store_id, id),
    CONSTRAINT allocations_credit_fkey FOREIGN KEY (store_id, credit_id) REFERENCES ledger.transfers (store_id, id)
);
CREATE INDEX allocations_credit_idx ON ledger.allocations (store_id, credit_id);

-- Responses of POSTs sent with an Idempotency-Key, replayed when the same key and body come again.
CREATE TABLE ledger.idempotency_keys (
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
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (store_id, caller, key)
);
CREATE INDEX idempotency_keys_created_idx ON ledger.idempotency_keys (created_at);

-- What the auth service shows at storefront log-in (decision okendo A27).
CREATE VIEW ledger.storefront_customer_details AS
    SELECT store_id, customer_id, available AS balance, 'member'::text AS status, NULL::uuid AS vip_tier_id
    FROM ledger.accounts;

-- When points credited at `base` expire under a store's policy (extensions §7.1): the end (23:59:59 UTC) of
-- the day `days` days later, of the month, or of the year; never for all_time_active.
CREATE FUNCTION ledger.points_expiry(method text, days integer, base timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE method
        WHEN 'all_time_active' THEN NULL
        WHEN 'at_the_end_of_the_month' THEN (date_trunc('month', base AT TIME ZONE 'UTC') + interval '1 month' - interval '1 second') AT TIME ZONE 'UTC'
        WHEN 'at_the_end_of_the_year' THEN (date_trunc('year', base AT TIME ZONE 'UTC') + interval '1 year' - interval '1 second') AT TIME ZONE 'UTC'
        ELSE (date_trunc('day', base AT TIME ZONE 'UTC') + make_interval(days => days) + interval '23:59:59') AT TIME ZONE 'UTC'
    END
$$;

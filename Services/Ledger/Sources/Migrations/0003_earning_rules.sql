-- Earning rules (ledger §3.1, extensions §6). Fields every type shares are columns; the type's own
-- parameters are `config` (pointValue, pointsAmount, skuIds, labels, multipliers, code, geolocation …).
CREATE TABLE ledger.earning_rules (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    type text NOT NULL CHECK (type IN ('points', 'event', 'custom_event', 'referral', 'product_purchase',
        'multiply_for_product', 'multiply_by_product_labels', 'qrcode', 'geolocation', 'instant_reward')),
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    active boolean NOT NULL DEFAULT false,
    all_time_active boolean NOT NULL DEFAULT true,
    start_at timestamptz,
    end_at timestamptz,
    target text,
    levels uuid[] NOT NULL DEFAULT '{}',
    segments uuid[] NOT NULL DEFAULT '{}',
    pos uuid[] NOT NULL DEFAULT '{}',
    event_name text,
    config jsonb NOT NULL DEFAULT '{}'::jsonb,
    limit_active boolean NOT NULL DEFAULT false,
    limit_period text,
    limit_limit integer,
    last_executed_rule boolean NOT NULL DEFAULT false,
    photo bytea,
    photo_type text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT earning_rules_pkey PRIMARY KEY (store_id, id)
);
CREATE INDEX earning_rules_active_idx ON ledger.earning_rules (store_id, type) WHERE active;
CREATE UNIQUE INDEX earning_rules_custom_event_key ON ledger.earning_rules (store_id, event_name) WHERE type = 'custom_event';

-- One row per award of a limited rule (custom event, QR code, geolocation), counted per period.
CREATE TABLE ledger.earning_rule_usages (
    store_id uuid NOT NULL,
    rule_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT earning_rule_usages_rule_fkey FOREIGN KEY (store_id, rule_id) REFERENCES ledger.earning_rules (store_id, id) ON DELETE CASCADE
);
CREATE INDEX earning_rule_usages_idx ON ledger.earning_rule_usages (store_id, rule_id, customer_id, used_at);

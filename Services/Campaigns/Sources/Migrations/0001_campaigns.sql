-- The campaigns service: reward campaigns, their coupon pools, categories and purchases (bought coupons).

CREATE TABLE campaigns.campaigns (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    reward text NOT NULL,
    -- [{"id", "locale", "name", "shortDescription"?, "conditionsDescription"?, "usageInstruction"?, "brandDescription"?}]
    translations jsonb NOT NULL DEFAULT '[]',
    active boolean NOT NULL DEFAULT false,
    categories uuid[] NOT NULL DEFAULT '{}',
    push_notification_text text,
    point_value numeric(18,2),
    cashback_provider text,
    transaction_percentage_value integer,
    cost_in_points numeric(18,2) NOT NULL DEFAULT 0 CHECK (cost_in_points >= 0),
    target text,
    levels uuid[] NOT NULL DEFAULT '{}',
    segments uuid[] NOT NULL DEFAULT '{}',
    -- [{"key", "value"}]
    labels jsonb NOT NULL DEFAULT '[]',
    unlimited boolean NOT NULL DEFAULT true,
    single_coupon boolean NOT NULL DEFAULT false,
    usage_limit integer,
    limit_per_user integer,
    all_time_visible boolean NOT NULL DEFAULT true,
    visible_from timestamptz,
    visible_to timestamptz,
    all_time_active boolean NOT NULL DEFAULT true,
    active_from timestamptz,
    active_to timestamptz,
    days_inactive integer NOT NULL DEFAULT 0 CHECK (days_inactive >= 0),
    days_valid integer NOT NULL DEFAULT 0 CHECK (days_valid >= 0),
    featured boolean NOT NULL DEFAULT false,
    public boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaigns_pkey PRIMARY KEY (store_id, id)
);
CREATE INDEX campaigns_list_idx ON campaigns.campaigns (store_id, created_at, id);

-- Translation ids are numbers (campaigns §1.2), kept per locale across updates.
CREATE SEQUENCE campaigns.translation_ids;

-- The coupon-code pool. A code is `issued` once a purchase took it (single-coupon campaigns never issue their code).
CREATE TABLE campaigns.coupons (
    store_id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    code text NOT NULL,
    position bigint GENERATED ALWAYS AS IDENTITY,
    issued boolean NOT NULL DEFAULT false,
    CONSTRAINT coupons_pkey PRIMARY KEY (store_id, campaign_id, code),
    CONSTRAINT coupons_campaign_fkey FOREIGN KEY (store_id, campaign_id) REFERENCES campaigns.campaigns (store_id, id) ON DELETE CASCADE
);
CREATE INDEX coupons_free_idx ON campaigns.coupons (store_id, campaign_id, position) WHERE NOT issued;

-- One row per bought unit: the coupon handed out (`id` is the coupon id of CMP-28 and CC-05).
CREATE TABLE campaigns.purchases (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    code text NOT NULL,
    purchased_at timestamptz NOT NULL DEFAULT now(),
    cost_in_points numeric(18,2) NOT NULL DEFAULT 0,
    current_points_amount numeric(18,2) NOT NULL DEFAULT 0,
    active_since timestamptz NOT NULL,
    active_to timestamptz,
    used boolean NOT NULL DEFAULT false,
    usage_date timestamptz,
    used_in_transaction_id uuid,
    -- The sale an instant reward was given for.
    transaction_id uuid,
    delivery_status text NOT NULL DEFAULT '' CHECK (delivery_status IN ('', 'ordered', 'canceled', 'shipped', 'delivered')),
    returned_amount numeric(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT purchases_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT purchases_campaign_fkey FOREIGN KEY (store_id, campaign_id) REFERENCES campaigns.campaigns (store_id, id)
);
CREATE INDEX purchases_campaign_idx ON campaigns.purchases (store_id, campaign_id, customer_id);
CREATE INDEX purchases_customer_idx ON campaigns.purchases (store_id, customer_id, purchased_at);
CREATE INDEX purchases_store_idx ON campaigns.purchases (store_id, purchased_at, id);

CREATE TABLE campaigns.categories (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    -- [{"id", "locale", "name"}]
    translations jsonb NOT NULL DEFAULT '[]',
    active boolean NOT NULL DEFAULT false,
    sort_order integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT categories_pkey PRIMARY KEY (store_id, id)
);

-- Instant rewards: the ledger's sales that matched an instant-reward rule. Subscribed in the schema so that
-- sales registered before the campaigns service first runs are queued too.
INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES ('campaigns.instant-rewards', 'InstantRewardWasEarned')
ON CONFLICT DO NOTHING;

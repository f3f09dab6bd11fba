-- The customers service: customers and what they are grouped by (levels, segments, POS, sellers),
-- invitations, files and the program settings of each store. Every table carries store_id in its primary
-- key and in every unique and foreign key (DESIGN §5).

-- Substring ("like") filters on 100k customers of one store use trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE levels (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    -- {"<locale>": {"name": …, "description": …}}, the default locale included.
    translations jsonb NOT NULL DEFAULT '{}'::jsonb,
    active boolean NOT NULL DEFAULT false,
    condition_value numeric(14,2) NOT NULL CHECK (condition_value >= 0),
    min_order numeric(14,2),
    reward_name text NOT NULL,
    -- In percent: 15 is 15 % (responses show the fraction, 0.15).
    reward_percent numeric(8,2) NOT NULL CHECK (reward_percent >= 0),
    reward_code text NOT NULL,
    -- [{"id","name","value","code","active","createdAt","startAt","endAt"}]
    special_rewards jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT levels_pkey PRIMARY KEY (store_id, id)
);
CREATE INDEX levels_assignment_idx ON levels (store_id, condition_value, reward_percent) WHERE active;

CREATE TABLE pos (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    identifier text NOT NULL,
    description text,
    street text, address1 text, address2 text, postal text, city text, province text, country text,
    lat text, long text,
    transactions_amount numeric(18,2) NOT NULL DEFAULT 0,
    transactions_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pos_pkey PRIMARY KEY (store_id, id)
);
CREATE INDEX pos_identifier_idx ON pos (store_id, identifier);

CREATE TABLE sellers (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text,
    phone text,
    pos_id uuid,
    active boolean NOT NULL DEFAULT true,
    deleted boolean NOT NULL DEFAULT false,
    allow_point_transfer boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sellers_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT sellers_pos_fkey FOREIGN KEY (store_id, pos_id) REFERENCES pos (store_id, id)
);
CREATE INDEX sellers_list_idx ON sellers (store_id, created_at, id) WHERE NOT deleted;

CREATE TABLE customers (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    -- new → active ↔ blocked; deleted is a tombstone no endpoint shows.
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'blocked', 'deleted')),
    card_state text NOT NULL DEFAULT 'no-card' CHECK (card_state IN ('no-card', 'card-sent', 'with-card')),
    first_name text,
    last_name text,
    gender text CHECK (gender IN ('male', 'female', 'not_disclosed')),
    email text,
    phone text,
    birth_date date,
    -- The day and month of the birthday, also known without a year (storefront birthday).
    birthday_month smallint CHECK (birthday_month BETWEEN 1 AND 12),
    birthday_day smallint CHECK (birthday_day BETWEEN 1 AND 31),
    address jsonb,
    company jsonb,
    loyalty_card_number text,
    labels jsonb NOT NULL DEFAULT '[]'::jsonb,
    agreement1 boolean NOT NULL DEFAULT false,
    agreement2 boolean NOT NULL DEFAULT false,
    agreement3 boolean NOT NULL DEFAULT false,
    level_id uuid,
    manual_level_id uuid,
    last_level_recalculation timestamptz,
    pos_id uuid,
    seller_id uuid,
    -- The id the merchant's shop platform knows the customer by (platform upsert).
    external_id text,
    -- Read model of the ledger's transactions, kept from its events.
    transactions_count integer NOT NULL DEFAULT 0,
    transactions_amount numeric(18,2) NOT NULL DEFAULT 0,
    transactions_amount_without_delivery numeric(18,2) NOT NULL DEFAULT 0,
    amount_excluded_for_level numeric(18,2) NOT NULL DEFAULT 0,
    average_transaction_amount numeric(18,2) GENERATED ALWAYS AS
        (CASE WHEN transactions_count > 0 THEN round(transactions_amount / transactions_count, 2) ELSE 0 END) STORED,
    last_transaction_date timestamptz,
    -- Read model of the ledger's points, kept from its events (level by points).
    available_points numeric(18,2) NOT NULL DEFAULT 0,
    earned_points_since_recalculation numeric(18,2) NOT NULL DEFAULT 0,
    points_event_id bigint NOT NULL DEFAULT 0,
    -- Activation by e-mail link and by SMS code; confirmation of a phone change.
    activation_token text,
    sms_code text,
    sms_code_expires_at timestamptz,
    pending_phone text,
    pending_phone_code text,
    pending_phone_expires_at timestamptz,
    pushy_tokens text[] NOT NULL DEFAULT '{}',
    -- Storefront enrolment (Okendo).
    enrolled_at timestamptz,
    enrollment_channel text,
    legal_policies_version text,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT customers_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT customers_level_fkey FOREIGN KEY (store_id, level_id) REFERENCES levels (store_id, id),
    CONSTRAINT customers_manual_level_fkey FOREIGN KEY (store_id, manual_level_id) REFERENCES levels (store_id, id),
    CONSTRAINT customers_pos_fkey FOREIGN KEY (store_id, pos_id) REFERENCES pos (store_id, id),
    CONSTRAINT customers_seller_fkey FOREIGN KEY (store_id, seller_id) REFERENCES sellers (store_id, id)
);
-- Lists: the default order, the sortable columns and the exact filters.
CREATE INDEX customers_created_idx ON customers (store_id, created_at DESC, id) WHERE status <> 'deleted';
CREATE INDEX customers_id_idx ON customers (store_id, id) WHERE status <> 'deleted';
CREATE INDEX customers_updated_idx ON customers (store_id, updated_at);
CREATE INDEX customers_email_idx ON customers (store_id, lower(email));
CREATE INDEX customers_phone_idx ON customers (store_id, phone);
CREATE INDEX customers_card_idx ON customers (store_id, loyalty_card_number);
CREATE INDEX customers_last_name_idx ON customers (store_id, lower(last_name));
CREATE INDEX customers_first_name_idx ON customers (store_id, lower(first_name));
CREATE INDEX customers_transactions_amount_idx ON customers (store_id, transactions_amount);
CREATE INDEX customers_transactions_count_idx ON customers (store_id, transactions_count);
CREATE INDEX customers_average_amount_idx ON customers (store_id, average_transaction_amount);
CREATE INDEX customers_last_transaction_idx ON customers (store_id, last_transaction_date);
-- Substring filters (strict=0).
CREATE INDEX customers_email_trgm_idx ON customers USING gin (lower(email) gin_trgm_ops);
CREATE INDEX customers_first_name_trgm_idx ON customers USING gin (lower(first_name) gin_trgm_ops);
CREATE INDEX customers_last_name_trgm_idx ON customers USING gin (lower(last_name) gin_trgm_ops);
CREATE INDEX customers_phone_trgm_idx ON customers USING gin (phone gin_trgm_ops);
CREATE INDEX customers_card_trgm_idx ON customers USING gin (loyalty_card_number gin_trgm_ops);
CREATE INDEX customers_labels_idx ON customers USING gin (labels jsonb_path_ops);
-- Memberships and look-ups.
CREATE INDEX customers_level_idx ON customers (store_id, level_id);
CREATE INDEX customers_pos_idx ON customers (store_id, pos_id);
CREATE INDEX customers_seller_idx ON customers (store_id, seller_id);
CREATE INDEX customers_birthday_idx ON customers (store_id, birthday_month, birthday_day);
CREATE UNIQUE INDEX customers_activation_token_key ON customers (store_id, activation_token);
CREATE INDEX customers_sms_code_idx ON customers (store_id, sms_code) WHERE sms_code IS NOT NULL;
CREATE UNIQUE INDEX customers_external_id_key ON customers (store_id, external_id);

-- The customer's side of the ledger's transactions (segment criteria on purchases), kept from its events.
CREATE TABLE customer_transactions (
    store_id uuid NOT NULL,
    transaction_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    pos_id uuid,
    document_type text NOT NULL DEFAULT 'sell',
    purchase_date timestamptz NOT NULL,
    gross_value numeric(18,2) NOT NULL DEFAULT 0,
    -- [{"sku","maker","category","grossValue","labels":[{"key","value"}]}]
    items jsonb NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT customer_transactions_pkey PRIMARY KEY (store_id, transaction_id),
    CONSTRAINT customer_transactions_customer_fkey FOREIGN KEY (store_id, customer_id) REFERENCES customers (store_id, id)
);
CREATE INDEX customer_transactions_customer_idx ON customer_transactions (store_id, customer_id, purchase_date);
CREATE INDEX customer_transactions_pos_idx ON customer_transactions (store_id, pos_id);
CREATE INDEX customer_transactions_date_idx ON customer_transactions (store_id, purchase_date);

CREATE TABLE segments (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    active boolean NOT NULL DEFAULT false,
    -- [{"segmentPartId", "criteria": [{"criterionId", "type", …}]}]
    parts jsonb NOT NULL,
    customers_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT segments_pkey PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX segments_name_key ON segments (store_id, lower(name));
CREATE INDEX segments_list_idx ON segments (store_id, created_at DESC, id);

CREATE TABLE segment_members (
    store_id uuid NOT NULL,
    segment_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT segment_members_pkey PRIMARY KEY (store_id, segment_id, customer_id),
    CONSTRAINT segment_members_segment_fkey FOREIGN KEY (store_id, segment_id) REFERENCES segments (store_id, id) ON DELETE CASCADE,
    CONSTRAINT segment_members_customer_fkey FOREIGN KEY (store_id, customer_id) REFERENCES customers (store_id, id)
);
CREATE INDEX segment_members_customer_idx ON segment_members (store_id, customer_id);

CREATE TABLE invitations (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    referrer_id uuid NOT NULL,
    recipient_email text,
    recipient_phone text,
    recipient_name text,
    recipient_id uuid,
    status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'registered', 'made_purchase')),
    token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invitations_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT invitations_token_key UNIQUE (store_id, token),
    CONSTRAINT invitations_referrer_fkey FOREIGN KEY (store_id, referrer_id) REFERENCES customers (store_id, id),
    CONSTRAINT invitations_recipient_fkey FOREIGN KEY (store_id, recipient_id) REFERENCES customers (store_id, id)
);
CREATE INDEX invitations_list_idx ON invitations (store_id, created_at DESC, id);
CREATE INDEX invitations_referrer_idx ON invitations (store_id, referrer_id);
CREATE INDEX invitations_recipient_idx ON invitations (store_id, recipient_id);

-- Program settings of a store: the keys that differ from the defaults (code), as one document.
CREATE TABLE settings (
    store_id uuid NOT NULL,
    "values" jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT settings_pkey PRIMARY KEY (store_id)
);

-- Uploaded files (customer avatars, level photos, settings images, the conditions file), kept in the
-- database so that every replica serves them.
CREATE TABLE files (
    store_id uuid NOT NULL,
    -- avatar, level_photo, setting
    kind text NOT NULL,
    owner text NOT NULL,
    mime text NOT NULL,
    original_name text NOT NULL,
    size integer NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT files_pkey PRIMARY KEY (store_id, kind, owner)
);

CREATE TABLE email_templates (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    key text NOT NULL,
    subject text NOT NULL,
    content text NOT NULL,
    sender_name text NOT NULL,
    sender_email text NOT NULL,
    receiver_email text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT email_templates_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT email_templates_key_key UNIQUE (store_id, key)
);

CREATE TABLE translations (
    store_id uuid NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    position integer NOT NULL DEFAULT 0,
    content jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT translations_pkey PRIMARY KEY (store_id, code)
);

-- Sales and returns registered by POS systems and integrations, with the customer they are assigned to.
CREATE TABLE ledger.transactions (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    document_number text NOT NULL,
    document_type text NOT NULL CHECK (document_type IN ('sell', 'return')),
    purchase_date timestamptz NOT NULL,
    purchase_place text,
    revised_document text,
    revised_transaction_id uuid,
    pos_id uuid,
    customer_id uuid,
    assigned_at timestamptz,
    gross_value numeric(18,2) NOT NULL,
    customer_data jsonb NOT NULL DEFAULT '{}'::jsonb,
    items jsonb NOT NULL DEFAULT '[]'::jsonb,
    labels jsonb NOT NULL DEFAULT '[]'::jsonb,
    points_earned numeric(18,2) NOT NULL DEFAULT 0,
    -- The platform order id (X-07) this transaction was made from, if any.
    external_order_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT transactions_pkey PRIMARY KEY (store_id, id),
    -- The same document number twice in a store is refused (decision ledger A-DOC).
    CONSTRAINT transactions_document_key UNIQUE (store_id, document_number),
    CONSTRAINT transactions_order_key UNIQUE (store_id, external_order_id)
);
CREATE INDEX transactions_customer_idx ON ledger.transactions (store_id, customer_id, purchase_date);
CREATE INDEX transactions_revised_idx ON ledger.transactions (store_id, revised_transaction_id) WHERE revised_transaction_id IS NOT NULL;
CREATE INDEX transactions_purchase_idx ON ledger.transactions (store_id, purchase_date);

-- Log-in credentials of customers and sellers. The customers service owns the people; it creates and
-- changes these rows through the auth library inside its own transactions. Identifiers are unique per
-- store; a deleted user leaves a tombstone (identifiers and password cleared, deleted_at set) so that
-- tokens issued before the deletion stop working.
CREATE TABLE customer_credentials (
    store_id uuid NOT NULL REFERENCES stores (id),
    customer_id uuid NOT NULL,
    email text,
    phone text,
    loyalty_card_number text,
    password_hash text,
    active boolean NOT NULL DEFAULT true,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_credentials_pkey PRIMARY KEY (store_id, customer_id)
);
CREATE UNIQUE INDEX customer_credentials_email_key ON customer_credentials (store_id, lower(email));
CREATE UNIQUE INDEX customer_credentials_phone_key ON customer_credentials (store_id, phone);
CREATE UNIQUE INDEX customer_credentials_card_key ON customer_credentials (store_id, loyalty_card_number);

CREATE TABLE seller_credentials (
    store_id uuid NOT NULL REFERENCES stores (id),
    seller_id uuid NOT NULL,
    email text,
    password_hash text,
    active boolean NOT NULL DEFAULT true,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT seller_credentials_pkey PRIMARY KEY (store_id, seller_id)
);
CREATE UNIQUE INDEX seller_credentials_email_key ON seller_credentials (store_id, lower(email));

CREATE TRIGGER customer_credentials_changed AFTER UPDATE OF active, deleted_at OR DELETE ON customer_credentials
    FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
CREATE TRIGGER seller_credentials_changed AFTER UPDATE OF active, deleted_at OR DELETE ON seller_credentials
    FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();

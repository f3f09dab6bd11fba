-- Tenants. `code` is the Open Loyalty {storeCode}; `id` is the Okendo subscriber id.
CREATE TABLE stores (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL,
    name text NOT NULL,
    currency text NOT NULL DEFAULT 'EUR',
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stores_code_key UNIQUE (code),
    CONSTRAINT stores_code_format CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$')
);

-- Every change to a store wakes the store directories of every service (their caches forget it).
CREATE FUNCTION notify_stores_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stores_changed', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER stores_changed AFTER INSERT OR UPDATE OR DELETE ON stores
    FOR EACH STATEMENT EXECUTE FUNCTION notify_stores_changed();

INSERT INTO stores (code, name, currency) VALUES ('DEFAULT', 'Default store', 'EUR');

-- Keeping the live-customer count on UPDATE cost every update of a customer (the ledger's events update
-- balances and totals on every sale) a transition table and a plpgsql aggregate, even when no status changed.
-- A row-level trigger whose WHEN clause PostgreSQL checks itself runs only when a customer becomes deleted or
-- live again.
DROP TRIGGER customers_counted_on_update ON customers;

CREATE FUNCTION count_live_customer_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customers.store_customer_counts AS counts (store_id, live)
    VALUES (NEW.store_id, CASE WHEN NEW.status = 'deleted' THEN -1 ELSE 1 END)
    ON CONFLICT (store_id) DO UPDATE SET live = counts.live + excluded.live;
    RETURN NULL;
END
$$;

CREATE TRIGGER customers_counted_on_status_change AFTER UPDATE OF status ON customers FOR EACH ROW
    WHEN ((OLD.status = 'deleted') IS DISTINCT FROM (NEW.status = 'deleted'))
    EXECUTE FUNCTION count_live_customer_change();

-- The counters every sale changes (transactions count and amount, average, last date), indexed for the
-- customer lists' sorts and filters in a narrow table of their own. Indexed in customers.customers, they made
-- each sale's totals update rewrite the customer into all of its indexes (five of them trigram GIN indexes);
-- unindexed there, that update stays on its page (HOT) and only this table's five indexes change.
-- customers.customers keeps the values (they are read with the customer); a trigger copies them here.
CREATE TABLE customer_activity (
    store_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    transactions_count integer NOT NULL DEFAULT 0,
    transactions_amount numeric(18,2) NOT NULL DEFAULT 0,
    average_transaction_amount numeric(18,2) GENERATED ALWAYS AS
        (CASE WHEN transactions_count > 0 THEN round(transactions_amount / transactions_count, 2) ELSE 0 END) STORED,
    last_transaction_date timestamptz,
    CONSTRAINT customer_activity_pkey PRIMARY KEY (store_id, customer_id),
    CONSTRAINT customer_activity_customer_fkey FOREIGN KEY (store_id, customer_id)
        REFERENCES customers (store_id, id) ON DELETE CASCADE
);

INSERT INTO customer_activity (store_id, customer_id, transactions_count, transactions_amount, last_transaction_date)
SELECT store_id, id, transactions_count, transactions_amount, last_transaction_date FROM customers;

-- With the customer id last, a page sorted by a counter (ties broken by id) is read straight from the index.
CREATE INDEX customer_activity_amount_idx ON customer_activity (store_id, transactions_amount, customer_id);
CREATE INDEX customer_activity_count_idx ON customer_activity (store_id, transactions_count, customer_id);
CREATE INDEX customer_activity_average_idx ON customer_activity (store_id, average_transaction_amount, customer_id);
CREATE INDEX customer_activity_last_transaction_idx ON customer_activity (store_id, last_transaction_date, customer_id);

DROP INDEX customers_transactions_amount_idx;
DROP INDEX customers_transactions_count_idx;
DROP INDEX customers_average_amount_idx;
DROP INDEX customers_last_transaction_idx;

-- Every customer gets its row when it is inserted; later changes update it.
CREATE FUNCTION add_customer_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customers.customer_activity (store_id, customer_id, transactions_count, transactions_amount, last_transaction_date)
    VALUES (NEW.store_id, NEW.id, NEW.transactions_count, NEW.transactions_amount, NEW.last_transaction_date);
    RETURN NULL;
END
$$;

CREATE FUNCTION update_customer_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customers.customer_activity SET
        transactions_count = NEW.transactions_count,
        transactions_amount = NEW.transactions_amount,
        last_transaction_date = NEW.last_transaction_date
    WHERE store_id = NEW.store_id AND customer_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER customer_activity_on_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION add_customer_activity();
CREATE TRIGGER customer_activity_on_update AFTER UPDATE OF transactions_count, transactions_amount, last_transaction_date ON customers
    FOR EACH ROW
    WHEN (OLD.transactions_count IS DISTINCT FROM NEW.transactions_count
          OR OLD.transactions_amount IS DISTINCT FROM NEW.transactions_amount
          OR OLD.last_transaction_date IS DISTINCT FROM NEW.last_transaction_date)
    EXECUTE FUNCTION update_customer_activity();

-- How many live (not deleted) customers each store has, kept by statement-level triggers, so that the total
-- of an unfiltered customer list is one row instead of a count over every customer of the store (100k and
-- more). Only a statement that changes the count touches the row: an update that leaves every status's
-- liveness as it was writes nothing.
CREATE TABLE store_customer_counts (
    store_id uuid PRIMARY KEY,
    live bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION count_live_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO customers.store_customer_counts AS counts (store_id, live)
        SELECT store_id, count(*) FROM new_rows WHERE status <> 'deleted' GROUP BY store_id
        ON CONFLICT (store_id) DO UPDATE SET live = counts.live + excluded.live;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO customers.store_customer_counts AS counts (store_id, live)
        SELECT store_id, sum(delta) FROM (
            SELECT store_id, CASE WHEN status <> 'deleted' THEN 1 ELSE 0 END AS delta FROM new_rows
            UNION ALL
            SELECT store_id, CASE WHEN status <> 'deleted' THEN -1 ELSE 0 END FROM old_rows
        ) changes
        GROUP BY store_id HAVING sum(delta) <> 0
        ON CONFLICT (store_id) DO UPDATE SET live = counts.live + excluded.live;
    ELSE
        UPDATE customers.store_customer_counts counts SET live = counts.live - gone.n
        FROM (SELECT store_id, count(*) AS n FROM old_rows WHERE status <> 'deleted' GROUP BY store_id) gone
        WHERE counts.store_id = gone.store_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER customers_counted_on_insert AFTER INSERT ON customers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_live_customers();
CREATE TRIGGER customers_counted_on_update AFTER UPDATE ON customers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_live_customers();
CREATE TRIGGER customers_counted_on_delete AFTER DELETE ON customers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_live_customers();

INSERT INTO store_customer_counts (store_id, live)
SELECT store_id, count(*) FROM customers WHERE status <> 'deleted' GROUP BY store_id;

-- Each customer's transaction totals, kept by a trigger on ledger.transactions, so that registration and
-- customer status read one row instead of summing a customer's whole history (a loyal customer has thousands
-- of transactions). Sales count; returns subtract their value. Every path that writes transactions
-- (registration, assignment, imports, platform orders) is covered because the trigger sits on the table.
CREATE TABLE ledger.customer_totals (
    store_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    transactions_count integer NOT NULL DEFAULT 0,
    transactions_amount numeric(18,2) NOT NULL DEFAULT 0,
    amount_without_delivery numeric(18,2) NOT NULL DEFAULT 0,
    last_purchase_date timestamptz,
    CONSTRAINT customer_totals_pkey PRIMARY KEY (store_id, customer_id)
);

-- Adds one transaction to its customer's totals.
CREATE FUNCTION ledger.add_to_customer_totals(t ledger.transactions) RETURNS void LANGUAGE sql AS $$
    INSERT INTO ledger.customer_totals AS ct
        (store_id, customer_id, transactions_count, transactions_amount, amount_without_delivery, last_purchase_date)
    VALUES (t.store_id, t.customer_id,
            CASE WHEN t.document_type = 'sell' THEN 1 ELSE 0 END,
            CASE WHEN t.document_type = 'sell' THEN t.gross_value ELSE -t.gross_value END,
            CASE WHEN t.document_type = 'sell' THEN t.gross_without_delivery ELSE -t.gross_without_delivery END,
            t.purchase_date)
    ON CONFLICT (store_id, customer_id) DO UPDATE SET
        transactions_count = ct.transactions_count + excluded.transactions_count,
        transactions_amount = ct.transactions_amount + excluded.transactions_amount,
        amount_without_delivery = ct.amount_without_delivery + excluded.amount_without_delivery,
        last_purchase_date = greatest(ct.last_purchase_date, excluded.last_purchase_date)
$$;

-- Recomputes a customer's totals from their transactions (the rare paths: a transaction changed or removed).
CREATE FUNCTION ledger.recount_customer_totals(p_store uuid, p_customer uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO ledger.customer_totals AS ct
        (store_id, customer_id, transactions_count, transactions_amount, amount_without_delivery, last_purchase_date)
    SELECT p_store, p_customer,
           count(*) FILTER (WHERE document_type = 'sell'),
           coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_value ELSE -gross_value END), 0),
           coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_without_delivery ELSE -gross_without_delivery END), 0),
           max(purchase_date)
    FROM ledger.transactions WHERE store_id = p_store AND customer_id = p_customer
    ON CONFLICT (store_id, customer_id) DO UPDATE SET
        transactions_count = excluded.transactions_count,
        transactions_amount = excluded.transactions_amount,
        amount_without_delivery = excluded.amount_without_delivery,
        last_purchase_date = excluded.last_purchase_date
$$;

CREATE FUNCTION ledger.keep_customer_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.customer_id IS NOT NULL THEN PERFORM ledger.add_to_customer_totals(NEW); END IF;
    ELSIF TG_OP = 'UPDATE' AND OLD.customer_id IS NULL THEN
        -- Assignment of an unassigned transaction: the common update.
        IF NEW.customer_id IS NOT NULL THEN PERFORM ledger.add_to_customer_totals(NEW); END IF;
    ELSE
        PERFORM ledger.recount_customer_totals(OLD.store_id, OLD.customer_id);
        IF TG_OP = 'UPDATE' AND NEW.customer_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
            PERFORM ledger.recount_customer_totals(NEW.store_id, NEW.customer_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER transactions_customer_totals
    AFTER INSERT OR DELETE OR UPDATE OF customer_id, document_type, gross_value, gross_without_delivery, purchase_date
    ON ledger.transactions FOR EACH ROW EXECUTE FUNCTION ledger.keep_customer_totals();

INSERT INTO ledger.customer_totals
    (store_id, customer_id, transactions_count, transactions_amount, amount_without_delivery, last_purchase_date)
SELECT store_id, customer_id,
       count(*) FILTER (WHERE document_type = 'sell'),
       coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_value ELSE -gross_value END), 0),
       coalesce(sum(CASE WHEN document_type = 'sell' THEN gross_without_delivery ELSE -gross_without_delivery END), 0),
       max(purchase_date)
FROM ledger.transactions WHERE customer_id IS NOT NULL
GROUP BY store_id, customer_id;

-- The status's "expiring next month" breakdown reads only a customer's unused active credits by expiry.
CREATE INDEX transfers_expiring_idx ON ledger.transfers (store_id, customer_id, expires_at)
    WHERE state = 'active' AND remaining > 0;

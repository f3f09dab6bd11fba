-- A LANGUAGE sql function that PostgreSQL does not inline is parsed and planned again by every statement
-- that calls it; a plpgsql function keeps its plans for the session. Every sale credits points (computing
-- an expiry) and adds itself to its customer's totals, so both become plpgsql with the same results.

CREATE OR REPLACE FUNCTION ledger.points_expiry(method text, days integer, base timestamptz, zone text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN CASE method
        WHEN 'all_time_active' THEN NULL
        WHEN 'at_the_end_of_the_month' THEN (date_trunc('month', base AT TIME ZONE zone) + interval '1 month' - interval '1 second') AT TIME ZONE zone
        WHEN 'at_the_end_of_the_year' THEN (date_trunc('year', base AT TIME ZONE zone) + interval '1 year' - interval '1 second') AT TIME ZONE zone
        ELSE (date_trunc('day', base AT TIME ZONE zone) + make_interval(days => days) + interval '23:59:59') AT TIME ZONE zone
    END;
END
$$;

CREATE OR REPLACE FUNCTION ledger.add_to_customer_totals(t ledger.transactions) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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
        last_purchase_date = greatest(ct.last_purchase_date, excluded.last_purchase_date);
END
$$;

-- What the auth service shows at storefront log-in (decision okendo A27), with the Okendo status of the
-- customer (blocked, enrolled, pending) and their level as VIP tier; customers without points show 0.
DROP VIEW ledger.storefront_customer_details;
CREATE VIEW ledger.storefront_customer_details AS
    SELECT c.store_id, c.id AS customer_id, coalesce(a.available, 0) AS balance,
           CASE WHEN c.status = 'blocked' THEN 'blocked' WHEN c.enrolled_at IS NOT NULL THEN 'enrolled' ELSE 'pending' END AS status,
           c.level_id AS vip_tier_id
    FROM customers.customers c
    LEFT JOIN ledger.accounts a ON a.store_id = c.store_id AND a.customer_id = c.id
    WHERE c.status <> 'deleted';

-- How much of a campaign is taken, kept on its row (which every purchase locks anyway): counting the purchases
-- and free codes on every purchase grew with them, and a popular campaign slowed down as it sold.
ALTER TABLE campaigns.campaigns
    ADD COLUMN purchases_count integer NOT NULL DEFAULT 0,
    ADD COLUMN buyers_count integer NOT NULL DEFAULT 0,
    ADD COLUMN free_coupons integer NOT NULL DEFAULT 0;

UPDATE campaigns.campaigns c SET
    purchases_count = (SELECT count(*) FROM campaigns.purchases p WHERE p.store_id = c.store_id AND p.campaign_id = c.id),
    buyers_count = (SELECT count(DISTINCT p.customer_id) FROM campaigns.purchases p WHERE p.store_id = c.store_id AND p.campaign_id = c.id),
    free_coupons = (SELECT count(*) FROM campaigns.coupons k WHERE k.store_id = c.store_id AND k.campaign_id = c.id AND NOT k.issued);

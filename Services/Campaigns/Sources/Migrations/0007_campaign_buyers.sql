-- How many units of a campaign each customer bought: the per-customer limit reads one row, and whether a
-- purchase is the customer's first of the campaign (`usersWhoUsedThisCampaignCount`) is decided by the upsert.
CREATE TABLE campaigns.campaign_buyers (
    store_id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    units integer NOT NULL,
    CONSTRAINT campaign_buyers_pkey PRIMARY KEY (store_id, campaign_id, customer_id)
);
CREATE INDEX campaign_buyers_customer_idx ON campaigns.campaign_buyers (store_id, customer_id);

INSERT INTO campaigns.campaign_buyers (store_id, campaign_id, customer_id, units)
SELECT store_id, campaign_id, customer_id, count(*) FROM campaigns.purchases GROUP BY 1, 2, 3;

-- The customers' side of the reward campaigns they bought (`campaignPurchases` of a customer record), kept
-- from the campaigns service's purchase events, which carry each purchase's whole state.
CREATE TABLE customers.campaign_purchases (
    store_id uuid NOT NULL,
    coupon_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    code text NOT NULL,
    purchased_at timestamptz NOT NULL,
    cost_in_points numeric(18,2) NOT NULL,
    active_since timestamptz NOT NULL,
    active_to timestamptz,
    used boolean NOT NULL,
    usage_date timestamptz,
    delivery_status text NOT NULL,
    canceled boolean NOT NULL,
    -- The newest event applied: an older one arriving late changes nothing.
    event_id bigint NOT NULL,
    CONSTRAINT campaign_purchases_pkey PRIMARY KEY (store_id, coupon_id)
);
CREATE INDEX campaign_purchases_customer_idx ON customers.campaign_purchases (store_id, customer_id, purchased_at);

-- Subscribed in the schema so that purchases made before the customers service first runs are queued too.
INSERT INTO suite.event_subscriptions (consumer, event_type)
SELECT 'customers.campaign-purchases', event_type
FROM unnest(ARRAY[
    'CampaignWasBoughtByCustomer', 'CampaignCouponWasUsed', 'CampaignCouponWasUnused',
    'CampaignCouponDeliveryStatusWasChanged', 'CampaignCouponWasRevised'
]) AS event_type
ON CONFLICT DO NOTHING;

-- The segment consumer re-evaluates a customer's memberships when one of these events arrives; subscribed in
-- the schema so that no event is missed before the service first starts.
INSERT INTO suite.event_subscriptions (consumer, event_type)
SELECT 'customers.segments', event_type
FROM unnest(ARRAY[
    'CustomerWasRegistered', 'CustomerWasActivated', 'CustomerWasDeactivated', 'CustomerDetailsWereUpdated',
    'CustomerAddressWasUpdated', 'CustomerCompanyDetailsWereUpdated', 'CustomerLoyaltyCardNumberWasUpdated',
    'CustomerWasMovedToLevel', 'PosWasAssignedToCustomer', 'SellerWasAssignedToCustomer', 'CustomerWasAnonymized',
    'CustomerWasDeleted'
]) AS event_type
ON CONFLICT DO NOTHING;

-- Members of one segment, for its member list and counts.
CREATE INDEX IF NOT EXISTS segment_members_segment_idx ON customers.segment_members (store_id, segment_id, customer_id);

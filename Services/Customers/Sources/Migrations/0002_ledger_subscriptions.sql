-- The customers service's consumer of ledger events subscribes in the schema itself, not only when a
-- replica starts: events the ledger appends before the customers service first runs are queued too.
INSERT INTO suite.event_subscriptions (consumer, event_type)
SELECT 'customers.levels', event_type
FROM unnest(ARRAY[
    'PointsWereAdded', 'PointsWereSpent', 'PointsWereTransferred', 'PointsTransferHasBeenExpired',
    'PointsTransferHasBeenCanceled', 'PointsTransferHasBeenUnlocked', 'PointsHasBeenReset',
    'CustomerWasAssignedToTransaction', 'TransactionWasRegistered'
]) AS event_type
ON CONFLICT DO NOTHING;

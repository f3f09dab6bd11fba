-- A periodic level recalculation may reset the customer's points (customers decision §LE).
INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES ('ledger-sign-up', 'CustomerLevelWasRecalculated')
ON CONFLICT DO NOTHING;

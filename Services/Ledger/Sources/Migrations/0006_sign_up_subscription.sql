-- The ledger's reaction to registrations is subscribed from the start, so that no registration that
-- happens before the first ledger replica runs is missed.
INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES ('ledger-sign-up', 'CustomerWasRegistered')
ON CONFLICT DO NOTHING;

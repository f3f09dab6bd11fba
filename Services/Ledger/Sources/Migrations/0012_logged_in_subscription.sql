-- Log-in points: the ledger's reaction to customer log-ins is subscribed from the start, so that log-ins before
-- the first ledger replica runs are not missed.
INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES ('ledger-sign-up', 'CustomerLoggedIn')
ON CONFLICT DO NOTHING;

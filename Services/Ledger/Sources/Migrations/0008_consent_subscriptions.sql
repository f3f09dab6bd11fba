-- The newsletter rule reads the marketing consent of activated and updated customers.
INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES
    ('ledger-sign-up', 'CustomerWasActivated'), ('ledger-sign-up', 'CustomerDetailsWereUpdated')
ON CONFLICT DO NOTHING;

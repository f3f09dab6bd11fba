-- A percentage-discount instant reward whose sale was returned in full is canceled (extensions §6.6).
ALTER TABLE campaigns.purchases ADD COLUMN canceled boolean NOT NULL DEFAULT false;

INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES ('campaigns.instant-rewards', 'SaleWasReturned')
ON CONFLICT DO NOTHING;

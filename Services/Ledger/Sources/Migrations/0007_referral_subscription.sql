-- Registrations through an invitation pay the referral rules of the `register` event.
INSERT INTO suite.event_subscriptions (consumer, event_type) VALUES ('ledger-sign-up', 'CustomerWasAttachedToInvitation')
ON CONFLICT DO NOTHING;

-- What the cashback provider last reported for a cashback purchase (CMP-04).
ALTER TABLE campaigns.purchases ADD COLUMN cashback_status text, ADD COLUMN cashback_message text, ADD COLUMN cashback_failed boolean;

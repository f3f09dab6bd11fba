-- Idempotency keys live in `suite.idempotency_keys`, one table for every service (keys are kept a day only).
DROP TABLE ledger.idempotency_keys;

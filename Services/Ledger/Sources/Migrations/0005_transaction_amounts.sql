-- Values frozen at registration: the gross value without delivery items (program setting
-- excludedDeliverySKUs at that moment), used for customer totals and the excludeDeliveryCost rules.
ALTER TABLE ledger.transactions ADD COLUMN gross_without_delivery numeric(18,2) NOT NULL DEFAULT 0;
ALTER TABLE ledger.transactions ADD COLUMN delivery_skus text[] NOT NULL DEFAULT '{}';
CREATE INDEX transactions_document_number_idx ON ledger.transactions (store_id, document_number text_pattern_ops);

-- The lists order by (created_at, id) in one direction with the id as tie-breaker (Pagination.orderAndLimit);
-- an index in that exact order serves both ASC and DESC pages without a sort step (measured on 100k customers
-- of one store, the previous (created_at DESC, id) index needed an incremental sort).
CREATE INDEX customers_created_id_idx ON customers (store_id, created_at, id) WHERE status <> 'deleted';
DROP INDEX customers_created_idx;

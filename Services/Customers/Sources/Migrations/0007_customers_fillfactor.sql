-- Every sale updates its customer's row twice (balance, then transaction totals) through the ledger's events.
-- Free space left in each page lets PostgreSQL keep such an update on the row's own page (a HOT update: no new
-- entry in any of the table's indexes) whenever no indexed column changes, as for the balance. It applies to
-- pages written from now on.
ALTER TABLE customers SET (fillfactor = 85);

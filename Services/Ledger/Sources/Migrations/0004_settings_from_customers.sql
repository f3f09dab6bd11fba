-- Points expiry and locking follow the program settings the customers service keeps (customers.settings,
-- read through the customers library); the ledger's own stand-in table goes.
DROP TABLE ledger.points_settings;

-- How many rewards a customer has claimed (Okendo S7/S8 `rewardsClaimed`). The campaigns service counts each
-- purchase here, through the ledger library, in the purchase's own transaction.
ALTER TABLE ledger.accounts ADD COLUMN rewards_claimed integer NOT NULL DEFAULT 0;

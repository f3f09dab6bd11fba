-- The money value of what a campaign gives (`campaign[rewardValue]`, the reference's extra form field): the
-- `reward.value` of Okendo's redemption rules (M6).
ALTER TABLE campaigns.campaigns ADD COLUMN reward_value numeric(18,2);

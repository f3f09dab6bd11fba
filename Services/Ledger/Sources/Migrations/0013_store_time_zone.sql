-- Expiry dates in the store's time zone (the `timezone` setting): the end (23:59:59 local time) of the day
-- `days` days after `base`, of its month, or of its year; never for all_time_active. The three-argument form
-- (UTC) stays for what was written with it.
CREATE FUNCTION ledger.points_expiry(method text, days integer, base timestamptz, zone text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE method
        WHEN 'all_time_active' THEN NULL
        WHEN 'at_the_end_of_the_month' THEN (date_trunc('month', base AT TIME ZONE zone) + interval '1 month' - interval '1 second') AT TIME ZONE zone
        WHEN 'at_the_end_of_the_year' THEN (date_trunc('year', base AT TIME ZONE zone) + interval '1 year' - interval '1 second') AT TIME ZONE zone
        ELSE (date_trunc('day', base AT TIME ZONE zone) + make_interval(days => days) + interval '23:59:59') AT TIME ZONE zone
    END
$$;

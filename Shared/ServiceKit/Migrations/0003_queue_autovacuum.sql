-- Every queued row is deleted soon after it is written, and claims walk the queue from its oldest entry:
-- dead rows at its head slow every claim until they are vacuumed. Vacuum the queue after every thousand
-- deletions instead of after a fifth of the table, without throttling (the live queue is small).
ALTER TABLE event_queue SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000
);

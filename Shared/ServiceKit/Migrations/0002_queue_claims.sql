-- Consumers claim in event order along the primary key; the few postponed events are filtered on the way.
-- With a backlog, the (consumer, available_at, event_id) index led the planner to read every ready row and
-- sort them on each claim.
DROP INDEX event_queue_ready_idx;

-- Events are never deleted, and queue rows are only written in the statement that appends their event: the
-- foreign key cost a lookup and a row lock on the event for every queued row.
ALTER TABLE event_queue DROP CONSTRAINT event_queue_event_id_fkey;

-- The suite's event log: every state change of every service appends a row here, in the same transaction
-- as the change. It feeds /api/event, the audit trail, webhooks and asynchronous reactions.
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    -- NULL for events of global aggregates (admin users, ACL roles, stores themselves).
    store_id uuid,
    aggregate_type text NOT NULL,
    aggregate_id text NOT NULL,
    type text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- Who caused it: {"type": "admin", "id": "…", "ip": "…"}; NULL for the system.
    actor jsonb,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_store_idx ON events (store_id, id);
CREATE INDEX events_type_idx ON events (type, id);
CREATE INDEX events_aggregate_idx ON events (aggregate_id, id);

-- Which consumer wants which event type. Appending an event queues it for each subscriber, atomically.
CREATE TABLE event_subscriptions (
    consumer text NOT NULL,
    event_type text NOT NULL,
    PRIMARY KEY (consumer, event_type)
);

-- Work not yet done by a consumer. Consumers claim rows with FOR UPDATE SKIP LOCKED, so several replicas
-- share the work and each event is handled once; ids committing out of order cannot be skipped.
CREATE TABLE event_queue (
    consumer text NOT NULL,
    event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    attempts integer NOT NULL DEFAULT 0,
    available_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX event_queue_ready_idx ON event_queue (consumer, available_at, event_id);

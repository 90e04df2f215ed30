-- danekeeper state, version 5: a bounded event log and the last completed run.
-- Events older than the retention setting may go: a prune raises events_pruned_through and
-- deletes up to it in one transaction; every other DELETE is still refused.
CREATE TABLE events_pruned_through (
    id INTEGER NOT NULL
);
INSERT INTO events_pruned_through (id) VALUES (0);
DROP TRIGGER events_are_append_only_delete;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
WHEN OLD.id > (SELECT MAX(id) FROM events_pruned_through)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- The last run that went over every slot (`run` without SLOT, each daemon pass): when it
-- finished, its exit code and how long it took. `status --nagios` alerts when it is stale.
CREATE TABLE last_run (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    finished_at INTEGER NOT NULL,
    result      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL
);

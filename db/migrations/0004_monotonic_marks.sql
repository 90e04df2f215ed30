-- danekeeper state, version 4: for each DNSSEC key, the monotonic time counted since state_seen
-- and since ds_seen (base/elapsed.h: "BOOT_ID READING COUNTED UNBROKEN"), so that a wall clock
-- set forward cannot end a rollover wait early. NULL in rows stored before: such a wait counts
-- its monotonic time from the first run after the upgrade. (The TLSA slots keep theirs in
-- state_json.)
ALTER TABLE dnssec_keys ADD COLUMN state_seen_mono TEXT;
ALTER TABLE dnssec_keys ADD COLUMN ds_seen_mono TEXT;

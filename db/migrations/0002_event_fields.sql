-- danekeeper state, version 2: the audit fields of a DNS change as columns of their own, so an
-- export can select by zone, owner or serial without parsing details.
ALTER TABLE events ADD COLUMN zone TEXT;
ALTER TABLE events ADD COLUMN owner TEXT;
ALTER TABLE events ADD COLUMN serial INTEGER;
ALTER TABLE events ADD COLUMN rrset_before TEXT;
ALTER TABLE events ADD COLUMN rrset_after TEXT;

"""The leadership roster of inspected orgs (领导班子名册): who holds which post in which org,
since when and until when. Entries are never deleted: a member who leaves keeps his entry
with its end date, so an accountability record or a clue outcome years later still names
the post he held then."""

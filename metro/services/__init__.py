"""Feature services: one module per feature, ``verb(conn, *, actor, at | now, …)``.

A write validates through the model, writes through the repositories and appends its
change-log entry (actor, before, after) in the same transaction; services never commit.
"""

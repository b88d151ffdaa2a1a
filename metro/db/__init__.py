"""Persistence: SQLAlchemy 2 typed models, engine set-up and Alembic migrations."""

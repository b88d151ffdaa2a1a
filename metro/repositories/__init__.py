"""Repositories: every query the domain services run, as SQLAlchemy Core statements.

One module per service area. Repositories return plain rows (frozen dataclasses, tuples or
numpy column arrays), never ORM objects on bulk paths, and never commit.
"""

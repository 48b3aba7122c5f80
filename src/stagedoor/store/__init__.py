"""Persistence: the only package that imports SQLAlchemy. Tables, the Store repository, Alembic migrations."""

from stagedoor.store.repository import Store

__all__ = ["Store"]

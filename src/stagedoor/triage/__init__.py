"""Routing and priority: who must read a message, and in which order."""

from stagedoor.triage.routing import alerts_for, priority_key, routes_for, triage

__all__ = ["alerts_for", "priority_key", "routes_for", "triage"]

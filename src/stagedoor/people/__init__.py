"""Correspondents: identity keys and link suggestions, timelines, warning profiles and escalation.

Pure functions over a writer's history (messages with their readings); no database, web or settings.
"""

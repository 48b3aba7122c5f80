"""The office behind the desk: accounts, the audit trail, cases, alerts, privacy, the dashboard, dossiers.

Use-cases like services/ (which they build on), kept in their own package so the core stays small.
"""

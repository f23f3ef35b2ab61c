"""Prefect 3 flows of the nightly reconciliation, one concern per file.

``nightly`` runs ingest -> transform -> validate -> report -> publish. The logic lives
in the ``hsguard`` package (no Prefect imports there); these files orchestrate it.
"""

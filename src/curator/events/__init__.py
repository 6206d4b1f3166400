"""The event log: one command class per kind of change, with typed payloads, apply and revert."""

"""Secrets: the sops wrapper (subprocess), keyed fingerprints, and sealing for the state (AES-256-GCM)."""

"""Declarations: YAML loading with positions, typed models, JSON-Schema and cross-file checks."""

"""Rendering: the only place that prints. Human output is rendered from the same data as JSON."""

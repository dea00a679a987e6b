"""Applications: one package per application a connection can reach, and the registry keyed by ``spec.application``.

A new application is a new package here plus one line in ``registry.py``; the differ, the
executor, the renderers and the probe stay as they are.
"""

"""Rendering: the only place that prints. Human output is rendered from the same data as JSON.

One contract: ``render_*`` and ``print_*`` functions print (to stdout, or to the console they are given);
functions that build text or data for them (``*_text``, ``*_line``, ``*_payload``, ``to_dict``) return it
and print nothing. JSON documents go through ``render.document.print_document`` (``format_version`` first).
"""

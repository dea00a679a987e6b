"""Magento 2: its connection spec, schema fragment, secret fields, checks, probe endpoint and response classifier.

The application object is ``provisioner.applications.magento2.application.MAGENTO2``.
"""

"""Where users live: CI integrations (docs/ci.md).

The GitHub Action (``action.yml``) and the GitLab CI template (``examples/gitlab/``) keep their shell
steps thin and call into this package: ``python -m provisioner.integrations.github run`` and
``python -m provisioner.integrations.gitlab plan|apply|drift|validate``. Both run the ``provisioner``
command in a child process (``--format json``, the documents of docs/json.md), read the counts from
that document, and post one sticky comment or note found again by a hidden marker (``sticky.py``).

Nothing here holds a secret value: the documents and the markdown plan never carry one, and the
API token is sent only in an ``Authorization`` header, never to the child process.
"""

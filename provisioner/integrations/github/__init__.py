"""The GitHub Action's logic (``action.yml`` runs ``python -m provisioner.integrations.github run``)."""

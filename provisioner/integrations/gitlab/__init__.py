"""The GitLab CI template's plan job (examples/gitlab/): ``python -m provisioner.integrations.gitlab plan``."""

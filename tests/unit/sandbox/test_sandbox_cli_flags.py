"""``provisioner sandbox`` flags of issue 15: the any-method mode's label, strict parameters, store codes."""

from __future__ import annotations

import pytest

from provisioner.sandbox import MagentoVersion
from tests.support.cli import run_cli_inprocess


def test_help_says_any_is_not_a_real_magento():
    done = run_cli_inprocess(["sandbox", "--help"])
    text = " ".join(done.stdout.split())
    assert done.returncode == 0
    assert "NOT a real Magento" in text
    assert "--strict-parameters" in text and "--rfc-parameters" in text and "--store-codes" in text


@pytest.mark.parametrize("codes", ["", "de,1x", "de-ch", ","])
def test_bad_store_codes_are_a_usage_error(tmp_path, codes):
    integrations = tmp_path / "i.yaml"
    integrations.write_text("integrations: []\n")
    done = run_cli_inprocess(["sandbox", "--integrations", str(integrations), "--store-codes", codes])
    assert done.returncode == 1
    assert "--store-codes" in done.stderr


def test_the_ready_line_labels_the_any_mode():
    assert MagentoVersion.V2_4_4.label == "Magento 2.4.4"
    assert "not a real Magento" in MagentoVersion.ANY.label

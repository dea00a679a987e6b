"""CPU time of the probe's redaction (provisioner/probe/redact.py) per connection test.

A typical probe: 4 secrets of 32 characters (consumer key and secret, access token and secret)
and the freshly signed Authorization header (its signature as sent and percent-decoded), all new
for every probe as they are in a run of many connections; then two answers are cleaned: a 401 with
a 300-character Magento error message and a 200 OK with a 2 KB body (and their Content-Type).
Not a test: run it, read the numbers.

    .venv/bin/python benchmarks/redact_bench.py [--probes 300]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import string
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provisioner.probe.redact import Redactor
from provisioner.probe.signing import sent_secrets

_ALPHABET = string.ascii_lowercase + string.digits


def _secrets(rng: random.Random) -> tuple[str, ...]:
    return tuple("".join(rng.choice(_ALPHABET) for _ in range(32)) for _ in range(4))


def _header(rng: random.Random, consumer_key: str, token: str) -> str:
    signature = quote(base64.b64encode(rng.randbytes(32)).decode(), safe="")
    return (f'OAuth oauth_consumer_key="{consumer_key}", oauth_token="{token}", '
            f'oauth_signature_method="HMAC-SHA256", oauth_timestamp="{int(time.time())}", '
            f'oauth_nonce="{rng.getrandbits(64)}", oauth_version="1.0", oauth_signature="{signature}"')


_MESSAGE = ("The consumer isn't authorized to access %resources. " * 6)[:300]
_ERROR = json.dumps({"message": _MESSAGE, "parameters": {"resources": "Magento_Backend::store"}})
_BODY = json.dumps({"items": [{"id": i, "code": f"store_{i}", "name": f"Store view {i}", "website_id": 1}
                              for i in range(40)]})[:2048]


def one_probe(rng: random.Random) -> None:
    consumer_key, consumer_secret, token, token_secret = _secrets(rng)
    headers = {"Authorization": _header(rng, consumer_key, token)}
    redactor = Redactor((consumer_key, consumer_secret, token, token_secret, *sent_secrets(headers)))
    redactor.clean("application/json; charset=utf-8", 300)  # the 401's Content-Type
    redactor.clean(_MESSAGE, 1000)  # its message template
    redactor.clean(_MESSAGE, 500)  # the result's message
    redactor.clean("application/json; charset=utf-8", 300)  # the 200's Content-Type
    redactor.clean(_BODY, 4096)  # a 2 KB body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(16)
    one_probe(rng)  # warm up imports and the per-character caches
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.probes):
        one_probe(rng)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{args.probes} probes: {cpu / args.probes * 1000:.3f} ms CPU per probe "
          f"({wall / args.probes * 1000:.3f} ms wall)")


if __name__ == "__main__":
    main()

"""Property-based run of the OpenAPI schema (schemathesis): no request makes a server error.

Sampled to stay short in CI: ``METRO_SCHEMATHESIS_EXAMPLES`` examples per operation (default
8, derandomized); set it higher for a long run outside CI. Each operation is called as the role
that may use it (labs record certificates, enterprises register instruments, the bureau reads),
so generated data reaches the services and not only the policy. Every 4xx must be problem+json.
"""

from __future__ import annotations

import os
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("METRO_SCHEMATHESIS_EXAMPLES", "8"))
_SENT = ("method", "url", "headers", "params", "json", "data", "content", "files", "cookies")


def _user(method: str, path: str) -> str:
    if path.startswith("/api/v1/certificates") and method == "POST":
        return "lab-cs"
    if path == "/api/v1/instruments" and method == "POST":
        return "ent1"
    return "bureau"


def test_no_server_errors(api):
    schema = schemathesis.openapi.from_dict(api.client.app.openapi())
    statuses: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        op = result.ok()
        operations += 1
        _run(api, op, api.headers(_user(op.method.upper(), op.path)), statuses)
    print(
        f"schemathesis: {operations} operations, {sum(statuses.values())} requests, "
        f"statuses {dict(sorted(statuses.items()))}, 0 server errors"
    )
    assert operations >= 15 and not any(s >= 500 for s in statuses)


def _run(api, op, headers, statuses) -> None:
    @given(case=op.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # The generated credentials would sign nobody in: send the role's own instead.
        case.headers = {
            k: v
            for k, v in (case.headers or {}).items()
            if k.lower() not in ("authorization", "x-api-key")
        }
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        r = api.client.request(**{k: v for k, v in kwargs.items() if k in _SENT})
        statuses[r.status_code] += 1
        assert r.status_code < 500, (case.method, case.formatted_path, r.text)
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json", r.text

    run()

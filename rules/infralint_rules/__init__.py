"""infralint's built-in rules, one policy per module.

Registered through the `infralint.rules` entry point, the same door a third-party pack uses.
"""
from __future__ import annotations

from infralint_rules.committed_secret import committed_secret
from infralint_rules.duplicate_key import duplicate_key
from infralint_rules.exposed_db_port import exposed_db_port
from infralint_rules.image_latest_tag import image_latest_tag
from infralint_rules.missing_healthcheck import missing_healthcheck
from infralint_rules.missing_rate_limit import missing_rate_limit
from infralint_rules.missing_security_headers import missing_security_headers
from infralint_rules.parse_error import parse_error
from infralint_rules.root_user import root_user
from infralint_rules.secret_in_env import secret_in_env
from infralint_rules.security_headers_dropped import security_headers_dropped

RULES = (
    parse_error,
    duplicate_key,
    image_latest_tag,
    root_user,
    missing_healthcheck,
    exposed_db_port,
    missing_security_headers,
    security_headers_dropped,
    missing_rate_limit,
    secret_in_env,
    committed_secret,
)

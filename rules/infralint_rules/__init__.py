"""infralint's built-in rules, one policy per module.

Registered through the `infralint.rules` entry point, the same door a third-party pack uses.
"""
from __future__ import annotations

from infralint_rules.alias_traversal import alias_traversal
from infralint_rules.build_context_missing import build_context_missing
from infralint_rules.committed_secret import committed_secret
from infralint_rules.dangerous_capabilities import dangerous_capabilities
from infralint_rules.docker_socket_mount import docker_socket_mount
from infralint_rules.dotfiles_exposed import dotfiles_exposed
from infralint_rules.duplicate_key import duplicate_key
from infralint_rules.exposed_db_port import exposed_db_port
from infralint_rules.host_namespace import host_namespace
from infralint_rules.image_latest_tag import image_latest_tag
from infralint_rules.image_not_digest_pinned import image_not_digest_pinned
from infralint_rules.invalid_nginx_config import invalid_nginx_config
from infralint_rules.low_uid import low_uid
from infralint_rules.missing_healthcheck import missing_healthcheck
from infralint_rules.missing_rate_limit import missing_rate_limit
from infralint_rules.missing_resource_limits import missing_resource_limits
from infralint_rules.missing_security_headers import missing_security_headers
from infralint_rules.no_https_redirect import no_https_redirect
from infralint_rules.parse_error import parse_error
from infralint_rules.port_on_all_interfaces import port_on_all_interfaces
from infralint_rules.privilege_escalation import privilege_escalation
from infralint_rules.privileged_container import privileged_container
from infralint_rules.proxy_headers_dropped import proxy_headers_dropped
from infralint_rules.remote_code_in_build import remote_code_in_build
from infralint_rules.root_user import root_user
from infralint_rules.secret_in_env import secret_in_env
from infralint_rules.secrets_in_build_context import secrets_in_build_context
from infralint_rules.security_headers_dropped import security_headers_dropped
from infralint_rules.server_tokens import server_tokens
from infralint_rules.unbounded_logs import unbounded_logs
from infralint_rules.unknown_upstream import unknown_upstream
from infralint_rules.unused_ignore import unused_ignore
from infralint_rules.weak_hsts import weak_hsts
from infralint_rules.weak_tls import weak_tls

RULES = (
    parse_error,
    duplicate_key,
    invalid_nginx_config,
    unused_ignore,
    image_latest_tag,
    image_not_digest_pinned,
    remote_code_in_build,
    root_user,
    privileged_container,
    privilege_escalation,
    dangerous_capabilities,
    docker_socket_mount,
    host_namespace,
    low_uid,
    missing_healthcheck,
    missing_resource_limits,
    unbounded_logs,
    exposed_db_port,
    port_on_all_interfaces,
    missing_security_headers,
    security_headers_dropped,
    missing_rate_limit,
    weak_tls,
    no_https_redirect,
    server_tokens,
    proxy_headers_dropped,
    dotfiles_exposed,
    alias_traversal,
    weak_hsts,
    secret_in_env,
    committed_secret,
    secrets_in_build_context,
    unknown_upstream,
    build_context_missing,
)

"""docker-compose parser: services as spanned Containers, and wrong shapes as problems."""
from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from infralint.model.compose import ComposeFile, Service
from infralint.parsers.compose import looks_like_compose, parse_compose
from infralint.parsers.source import Source
from infralint.parsers.yamlload import load_stream

CORPUS = Path("/work/shared/corpus")


def parse(text: str, path: str = "compose.yaml") -> ComposeFile:
    text = textwrap.dedent(text).lstrip("\n")
    src = Source(path=path, real=Path("/tmp") / path, text=text, root=Path("/tmp"))
    return parse_compose(src, load_stream(text, path))


def looks(text: str) -> bool:
    return looks_like_compose(load_stream(textwrap.dedent(text).lstrip("\n"), "x.yaml"))


def errors(doc: ComposeFile) -> list[str]:
    return [p.message for p in doc.problems if p.kind == "parse-error"]


def service(doc: ComposeFile, name: str) -> Service:
    return next(s for s in doc.services if s.name == name)


def one(text: str) -> Service:
    doc = parse(text)
    assert errors(doc) == []
    assert len(doc.services) == 1
    return doc.services[0]


def at(span) -> tuple[int, int]:
    return span.line, span.column


# --- recognition ---------------------------------------------------------------------------------

def test_looks_like_compose():
    assert looks("services:\n  web:\n    image: nginx\n")
    assert looks("version: '3'\nservices: {}\n")
    assert not looks("apiVersion: v1\nkind: List\nservices:\n  web: {}\n")
    assert not looks("services:\n  - web\n")
    assert not looks("web:\n  image: nginx\n")  # compose v1
    assert not looks("- services\n")
    assert not looks("")
    assert not looks("# only a comment\n")
    # apiVersion alone (no kind) is not Kubernetes.
    assert looks("apiVersion: x\nservices:\n  web: {}\n")


# --- the service and its container ------------------------------------------------------------

def test_service_and_container_basics():
    doc = parse("""
        name: shop
        services:
          web:
            image: nginx:1.25
          worker:
            image: python:3.12
        """)
    assert doc.format == "compose" and doc.path == "compose.yaml"
    assert doc.node is not None and doc.node.get("name").text == "shop"
    assert [s.name for s in doc.services] == ["web", "worker"]
    web = service(doc, "web")
    assert at(web.span) == (3, 3)
    assert web.node is not None and web.node.get_str("image") == "nginx:1.25"
    c = web.container
    assert (c.format, c.name, c.object, c.role) == ("compose", "web", "service web", "service")
    assert c.span == web.span
    assert doc.containers == [web.container, service(doc, "worker").container]
    assert [i.resolved for i in doc.images] == ["nginx:1.25", "python:3.12"]


def test_image_span_and_parts():
    s = one("""
        services:
          web:
            image:   "registry.local:5000/team/app:1.2@sha256:abc"
        """)
    img = s.container.image
    assert img is not None
    assert (img.registry, img.repository, img.tag, img.digest) == ("registry.local:5000", "team/app", "1.2", "sha256:abc")
    assert (img.span.line, img.span.column, img.span.end_line) == (3, 14, 3)
    # end_column is one past the last character
    assert img.span.end_column == len('    image:   "registry.local:5000/team/app:1.2@sha256:abc"') + 1
    assert img.variable is None and not img.unresolved


@pytest.mark.parametrize("raw, resolved, tag, variable, unresolved", [
    ("nginx", "nginx", None, None, False),
    ("nginx:latest", "nginx:latest", "latest", None, False),
    ("nginx:${TAG:-latest}", "nginx:latest", "latest", "TAG", False),
    ("nginx:${TAG-1.25}", "nginx:1.25", "1.25", "TAG", False),
    ("nginx:${TAG}", "nginx:", None, "TAG", True),
    ("${IMAGE:-nginx}", "nginx", None, "IMAGE", False),
    ("${IMAGE:-nginx:1.25}", "nginx:1.25", "1.25", "IMAGE", False),
    ("${IMAGE}", "", None, "IMAGE", True),
    ("${REGISTRY}/app:1.0", "/app:1.0", "1.0", None, False),
    ("${REGISTRY:-ghcr.io}/app", "ghcr.io/app", None, None, False),
    ("reg:5000/app", "reg:5000/app", None, None, False),
    ("reg:${PORT:-5000}/app:${TAG:-2}", "reg:5000/app:2", "2", "TAG", False),
])
def test_image_interpolation(raw, resolved, tag, variable, unresolved):
    s = one(f"services:\n  web:\n    image: \"{raw}\"\n")
    img = s.container.image
    assert img is not None
    assert (img.raw, img.resolved, img.tag, img.variable, img.unresolved) == (raw, resolved, tag, variable, unresolved)


def test_user_span_starts_at_key():
    s = one("""
        services:
          web:
            image: app
            user: "0"
        """)
    user = s.container.user
    assert user is not None and user.value == "0"
    assert (user.span.line, user.span.column, user.span.end_line, user.span.end_column) == (4, 5, 4, 14)


def test_user_numbers_and_ids():
    doc = parse("""
        services:
          a:
            user: 0
          b:
            user: 1000:1000
          c:
            user: root
        """)
    assert [s.container.user.value for s in doc.services] == ["0", "1000:1000", "root"]


@pytest.mark.parametrize("word, expected", [("true", True), ("yes", True), ("on", True), ("'true'", True),
                                            ("false", False), ("no", False), ("off", False)])
def test_privileged_reads_yaml11_booleans(word, expected):
    s = one(f"services:\n  web:\n    image: x\n    privileged: {word}\n")
    priv = s.container.privileged
    assert priv is not None and priv.value is expected
    assert at(priv.span) == (4, 5)


def test_privileged_wrong_value_is_a_problem():
    doc = parse("services:\n  web:\n    privileged: maybe\n")
    assert errors(doc) == ["service 'web': privileged: expected true or false, found 'maybe'"]
    assert at(doc.problems[0].span) == (3, 17)
    assert doc.services[0].container.privileged is None


def test_cap_add_and_security_opt_items():
    s = one("""
        services:
          web:
            image: x
            cap_add:
              - NET_ADMIN
              - "SYS_ADMIN"
            security_opt: ["no-new-privileges:true", "seccomp:unconfined"]
        """)
    c = s.container
    assert [(i.value, at(i.span)) for i in c.cap_add] == [("NET_ADMIN", (5, 9)), ("SYS_ADMIN", (6, 9))]
    assert [(i.value, at(i.span)) for i in c.security_opt] == [
        ("no-new-privileges:true", (7, 20)), ("seccomp:unconfined", (7, 46))]


def test_host_namespaces():
    doc = parse("""
        services:
          a:
            network_mode: host
            pid: "host"
            ipc: host
          b:
            network_mode: "service:a"
            ipc: shareable
        """)
    a = service(doc, "a").container
    assert [(n.value, at(n.span)) for n in a.host_namespaces] == [("network", (3, 5)), ("pid", (4, 5)), ("ipc", (5, 5))]
    assert service(doc, "b").container.host_namespaces == ()


# --- ports ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("item, host_ip, host_port, container, proto", [
    ('"3000"', None, None, "3000", "tcp"),
    ("3000", None, None, "3000", "tcp"),
    ('"8080:80"', None, "8080", "80", "tcp"),
    ("22:22", None, "22", "22", "tcp"),  # YAML 1.2: a string, not base-60 1342
    ('"127.0.0.1:8080:80"', "127.0.0.1", "8080", "80", "tcp"),
    ('"0.0.0.0:5432:5432"', "0.0.0.0", "5432", "5432", "tcp"),
    ('"[::1]:8080:80"', "::1", "8080", "80", "tcp"),
    ('"[::]:5432:5432"', "::", "5432", "5432", "tcp"),
    ('"::1:8080:80"', "::1", "8080", "80", "tcp"),
    ('"8000-8010:8000-8010"', None, "8000-8010", "8000-8010", "tcp"),
    ('"5432:5432/udp"', None, "5432", "5432", "udp"),
    ('"53:53/UDP"', None, "53", "53", "udp"),
    ('"127.0.0.1::80"', "127.0.0.1", None, "80", "tcp"),
    ('"${PG_PORT:-5432}:5432"', None, "5432", "5432", "tcp"),
    ('"${BIND:-127.0.0.1}:${PG_PORT:-5432}:5432"', "127.0.0.1", "5432", "5432", "tcp"),
    ('"${PG_PORT}:5432"', None, "${PG_PORT}", "5432", "tcp"),
])
def test_short_port_syntax(item, host_ip, host_port, container, proto):
    s = one(f"services:\n  db:\n    image: postgres\n    ports:\n      - {item}\n")
    (port,) = s.container.ports
    assert (port.host_ip, port.host_port, port.container_port, port.protocol) == (host_ip, host_port, container, proto)
    assert port.published is True
    assert at(port.span) == (5, 9)
    assert port.raw == item.strip('"')


def test_long_port_syntax():
    s = one("""
        services:
          db:
            image: postgres
            ports:
              - target: 5432
                published: 5432
              - target: 6379
                published: "16379"
                host_ip: 127.0.0.1
                protocol: tcp
                mode: host
              - target: 53
                protocol: udp
              - target: 80
                published: "${WEB_PORT:-8080}"
                host_ip: "::"
        """)
    got = [(p.host_ip, p.host_port, p.container_port, p.protocol, p.published, at(p.span)) for p in s.container.ports]
    assert got == [
        (None, "5432", "5432", "tcp", True, (5, 9)),
        ("127.0.0.1", "16379", "6379", "tcp", True, (7, 9)),
        (None, None, "53", "udp", True, (12, 9)),
        ("::", "8080", "80", "tcp", True, (14, 9)),
    ]
    assert [p.raw for p in s.container.ports] == ["5432:5432/tcp", "127.0.0.1:16379:6379/tcp", "53/udp", "[::]:8080:80/tcp"]


def test_expose_is_not_published():
    s = one("""
        services:
          db:
            image: postgres
            expose:
              - 5432
              - "9000-9001"
              - "53/udp"
            ports:
              - "8080:80"
        """)
    ports = s.container.ports
    assert [(p.container_port, p.published, p.protocol, p.host_port, at(p.span)) for p in ports] == [
        ("80", True, "tcp", "8080", (9, 9)),
        ("5432", False, "tcp", None, (5, 9)),
        ("9000-9001", False, "tcp", None, (6, 9)),
        ("53", False, "udp", None, (7, 9)),
    ]


def test_garbage_ports_are_problems_and_the_rest_still_parses():
    doc = parse("""
        services:
          web:
            image: x
            ports:
              - "abc"
              - "70000:80"
              - "notanip:8080:80"
              - "80/xyz"
              - 80.5
              - [1, 2]
              - published: 80
              - "8080:80"
            expose:
              - "x"
        """)
    msgs = errors(doc)
    assert msgs == [
        "service 'web': ports: 'abc': container port 'abc' is not a port number or range",
        "service 'web': ports: '70000:80': host port '70000' is out of range (1-65535)",
        "service 'web': ports: 'notanip:8080:80': 'notanip' is not an IP address",
        "service 'web': ports: '80/xyz': unknown protocol 'xyz'",
        "service 'web': ports: expected a port string or a mapping, found a number",
        "service 'web': ports: expected a port string or a mapping, found a list",
        "service 'web': ports: long syntax needs a 'target' (the container port)",
        "service 'web': expose: 'x': port 'x' is not a port number or range",
    ]
    assert [p.span.line for p in doc.problems] == [5, 6, 7, 8, 9, 10, 11, 14]
    assert [p.raw for p in doc.services[0].container.ports] == ["8080:80"]


def test_ports_as_mapping_is_a_problem():
    doc = parse("""
        services:
          web:
            image: x
            ports:
              http: 80
            user: app
        """)
    assert errors(doc) == ["service 'web': ports: expected a list, found a mapping"]
    assert doc.problems[0].span.line == 5
    c = doc.services[0].container
    assert c.ports == () and c.user is not None and c.user.value == "app"


# --- environment -----------------------------------------------------------------------------------

def test_environment_map_form():
    s = one("""
        services:
          web:
            image: x
            environment:
              DB_PASSWORD: hunter2
              PORT: 8080
              DEBUG: true
              PASSTHROUGH:
              QUOTED: "a b"
              FROM_VAR: ${SECRET}
              WITH_DEFAULT: ${SECRET:-s3cret}
        """)
    env = {e.name: e for e in s.container.env}
    assert [(e.name, e.value, e.literal) for e in s.container.env] == [
        ("DB_PASSWORD", "hunter2", "hunter2"),
        ("PORT", "8080", "8080"),
        ("DEBUG", "true", "true"),
        ("PASSTHROUGH", None, None),
        ("QUOTED", "a b", "a b"),
        ("FROM_VAR", "${SECRET}", ""),
        ("WITH_DEFAULT", "${SECRET:-s3cret}", "s3cret"),
    ]
    pw = env["DB_PASSWORD"]
    assert pw.source == "environment"
    assert (pw.span.line, pw.span.column, pw.span.end_column) == (5, 7, 27)
    assert at(pw.name_span) == (5, 7) and at(pw.value_span) == (5, 20)
    assert env["PASSTHROUGH"].value_span is None


def test_environment_list_form():
    s = one("""
        services:
          web:
            image: x
            environment:
              - API_TOKEN=abc123
              - PASSTHROUGH
              - SECRET_KEY="${X}"
              - QUOTED='hunter2'
              - "EQUALS=a=b"
              - EMPTY=
        """)
    env = s.container.env
    assert [(e.name, e.value, e.literal) for e in env] == [
        ("API_TOKEN", "abc123", "abc123"),
        ("PASSTHROUGH", None, None),
        ("SECRET_KEY", "${X}", ""),
        ("QUOTED", "hunter2", "hunter2"),
        ("EQUALS", "a=b", "a=b"),
        ("EMPTY", "", ""),
    ]
    token = env[0]
    assert at(token.span) == (5, 9)
    assert (token.name_span.column, token.name_span.end_column) == (9, 18)
    assert (token.value_span.column, token.value_span.end_column) == (19, 25)
    assert env[1].value_span is None
    quoted = env[4]  # "EQUALS=a=b": positions skip the quote
    assert (quoted.name_span.column, quoted.value_span.column) == (10, 17)


def test_environment_wrong_shapes():
    doc = parse("""
        services:
          a:
            environment:
          b:
            environment: "A=1"
          c:
            environment:
              - =nameless
              - {A: 1}
              - OK=1
          d:
            environment:
              NESTED: {x: 1}
              OK: 2
        """)
    assert errors(doc) == [
        "service 'a': environment: expected a mapping or a list, found nothing (null)",
        "service 'b': environment: expected a mapping or a list, found a string",
        "service 'c': environment: '=nameless' has no variable name",
        "service 'c': environment item: expected a string, found a mapping",
        "service 'd': environment: 'NESTED' must be a string, number or boolean, found a mapping",
    ]
    assert [p.span.line for p in doc.problems] == [3, 5, 8, 9, 13]
    assert [e.name for e in service(doc, "c").container.env] == ["OK"]
    assert [e.name for e in service(doc, "d").container.env] == ["OK"]


def test_env_file_forms():
    doc = parse("""
        services:
          a:
            env_file: .env
          b:
            env_file:
              - ./common.env
              - path: ./local.env
                required: false
          c:
            env_file: {path: x}
        """)
    a = service(doc, "a").container.env_files
    assert [(f.value, at(f.span)) for f in a] == [(".env", (3, 5))]
    b = service(doc, "b").container.env_files
    assert [(f.value, at(f.span)) for f in b] == [("./common.env", (6, 9)), ("./local.env", (7, 9))]
    assert errors(doc) == ["service 'c': env_file: expected a path or a list, found a mapping"]


# --- health, resources, logging -----------------------------------------------------------------

@pytest.mark.parametrize("body, disabled", [
    ("      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n", False),
    ("      disable: true\n", True),
    ("      disable: yes\n", True),
    ("      disable: false\n      test: [\"CMD-SHELL\", \"true\"]\n", False),
    ("      test: [\"NONE\"]\n", True),
    ("      test: NONE\n", True),
])
def test_healthcheck(body, disabled):
    s = one("services:\n  web:\n    image: x\n    healthcheck:\n" + body)
    (check,) = s.container.healthchecks
    assert check.kind == "healthcheck" and check.disabled is disabled
    if disabled:
        # A disabled check points at the line that disables it.
        off = next(i for i, ln in enumerate(body.splitlines()) if "disable: " in ln and "false" not in ln or "NONE" in ln)
        assert at(check.span) == (5 + off, 7)
    else:
        assert at(check.span) == (4, 5)
        assert check.span.end_line == 4 + body.count("\n")


def test_healthcheck_wrong_shape():
    doc = parse("services:\n  web:\n    healthcheck: [CMD, true]\n  db:\n    healthcheck:\n")
    assert errors(doc) == ["service 'web': healthcheck: expected a mapping, found a list",
                           "service 'db': healthcheck: expected a mapping, found nothing (null)"]
    assert all(s.container.healthchecks == () for s in doc.services)


def test_memory_limit():
    doc = parse("""
        services:
          a:
            deploy:
              resources:
                limits:
                  cpus: "0.5"
                  memory: 512M
          b:
            mem_limit: 1g
          c:
            mem_limit: 1073741824
          d:
            deploy:
              replicas: 2
          e:
            deploy: [x]
        """)
    mem = {s.name: s.container.memory_limit for s in doc.services}
    assert (mem["a"].value, at(mem["a"].span)) == ("512M", (7, 11))
    assert (mem["b"].value, at(mem["b"].span)) == ("1g", (9, 5))
    assert mem["c"].value == "1073741824"
    assert mem["d"] is None and mem["e"] is None
    assert errors(doc) == ["service 'e': deploy: expected a mapping, found a list"]


def test_logging():
    s = one("""
        services:
          web:
            image: x
            logging:
              driver: json-file
              options:
                max-size: "10m"
                max-file: 3
        """)
    c = s.container
    assert c.logging_driver is not None and (c.logging_driver.value, at(c.logging_driver.span)) == ("json-file", (5, 7))
    assert [(k, v.value, at(v.span)) for k, v in c.logging_options] == [("max-size", "10m", (7, 9)), ("max-file", "3", (8, 9))]


# --- volumes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("item, source, target, kind, read_only", [
    ("./src:/app/src:ro", "./src", "/app/src", "bind", True),
    ("data:/var/lib/postgresql/data", "data", "/var/lib/postgresql/data", "volume", False),
    ("/data", None, "/data", "volume", False),
    ("/var/run/docker.sock:/var/run/docker.sock", "/var/run/docker.sock", "/var/run/docker.sock", "bind", False),
    ("~/.ssh:/root/.ssh:ro,z", "~/.ssh", "/root/.ssh", "bind", True),
    ("../conf:/etc/conf:rw", "../conf", "/etc/conf", "bind", False),
    ("C:\\data:/data", "C:\\data", "/data", "bind", False),
    ("a:/data", "a", "/data", "volume", False),
    ("${SOCK:-/var/run/docker.sock}:/var/run/docker.sock", "/var/run/docker.sock", "/var/run/docker.sock", "bind", False),
    ("${MEDIA}:/media", "${MEDIA}", "/media", "bind", False),
])
def test_short_volume_syntax(item, source, target, kind, read_only):
    s = one(f"services:\n  web:\n    image: x\n    volumes:\n      - '{item}'\n")
    (mount,) = s.container.mounts
    assert (mount.source, mount.target, mount.type, mount.read_only) == (source, target, kind, read_only)
    assert at(mount.span) == (5, 9)


def test_long_volume_syntax_and_problems():
    doc = parse("""
        services:
          web:
            image: x
            volumes:
              - type: bind
                source: /var/run/docker.sock
                target: /var/run/docker.sock
                read_only: yes
              - type: volume
                source: data
                target: /data
              - type: tmpfs
                target: /tmp
              - source: ./x
                target: /x
              - source: nowhere
              - "a::b"
              - 42
        """)
    mounts = doc.services[0].container.mounts
    assert [(m.source, m.target, m.type, m.read_only, m.span.line) for m in mounts] == [
        ("/var/run/docker.sock", "/var/run/docker.sock", "bind", True, 5),
        ("data", "/data", "volume", False, 9),
        (None, "/tmp", "tmpfs", False, 12),
        ("./x", "/x", "bind", False, 14),
    ]
    assert errors(doc) == [
        "service 'web': volumes: long syntax needs a 'target' (the path inside the container)",
        "service 'web': volumes: 'a::b' has an empty section between colons",
        "service 'web': volumes: expected a volume string or a mapping, found a number",
    ]
    assert [p.span.line for p in doc.problems] == [16, 17, 18]


# --- build, aliases ------------------------------------------------------------------------------

def test_build_forms_and_build_only():
    doc = parse("""
        services:
          api:
            build: ./backend
          web:
            build:
              context: ./frontend
              dockerfile: Dockerfile.prod
            image: shop/web:latest
          worker:
            build:
              dockerfile: worker.Dockerfile
          db:
            image: postgres:16
          ctx:
            build:
              context: ${CTX:-./svc}
        """)
    api, web, worker, db, ctx = doc.services
    assert api.container.build is not None
    assert (api.container.build.context, api.container.build.dockerfile, at(api.container.build.span)) == ("./backend", None, (3, 5))
    assert (web.container.build.context, web.container.build.dockerfile, at(web.container.build.span)) == (
        "./frontend", "Dockerfile.prod", (5, 5))
    assert web.container.build.span.end_line == 7
    assert (worker.container.build.context, worker.container.build.dockerfile) == (".", "worker.Dockerfile")
    assert ctx.container.build.context == "./svc"
    assert [s.build_only for s in doc.services] == [True, True, True, False, True]
    assert web.container.image is not None and web.container.image.tag == "latest"
    # the build result's name is not an image to pull: not in `images`
    assert [i.resolved for i in doc.images] == ["postgres:16"]


def test_build_wrong_shape():
    doc = parse("services:\n  a:\n    build: [x]\n  b:\n    build:\n      context: {x: 1}\n")
    assert errors(doc) == ["service 'a': build: expected a mapping, found a list",
                           "service 'b': build context: expected a string, found a mapping"]
    assert service(doc, "a").build_only and service(doc, "a").container.build is None
    assert service(doc, "b").container.build.context == "."


def test_aliases():
    doc = parse("""
        services:
          api:
            image: x
            container_name: shop-api
            hostname: api.internal
            networks:
              front:
                aliases: [backend, api-v1]
              back:
              other: {ipv4_address: 10.0.0.2}
          db:
            image: postgres
            networks: [back]
        """)
    assert service(doc, "api").aliases == ("shop-api", "api.internal", "backend", "api-v1")
    assert service(doc, "db").aliases == ()
    assert doc.host_names() == {"api", "db", "shop-api", "api.internal", "backend", "api-v1"}
    assert errors(doc) == []


# --- merge keys and extension fields -------------------------------------------------------------

def test_merge_keys_bring_settings_with_anchor_spans():
    doc = parse("""
        x-defaults: &defaults
          healthcheck:
            test: ["CMD", "true"]
          environment:
            API_TOKEN: abc123
          ports:
            - "5432:5432"
          user: root
        services:
          db:
            <<: *defaults
            image: postgres:16
            user: postgres
          cache:
            <<: [*defaults]
            image: redis:7
        """)
    assert errors(doc) == []
    assert [s.name for s in doc.services] == ["db", "cache"]
    for s in doc.services:
        c = s.container
        (check,) = c.healthchecks
        assert at(check.span) == (2, 3)
        (env,) = c.env
        assert (env.name, env.value, at(env.span)) == ("API_TOKEN", "abc123", (5, 5))
        (port,) = c.ports
        assert (port.host_port, at(port.span)) == ("5432", (7, 7))
    # explicit keys win over merged ones
    assert service(doc, "db").container.user.value == "postgres"
    assert at(service(doc, "db").container.user.span) == (13, 5)
    assert service(doc, "cache").container.user.value == "root"
    assert at(service(doc, "cache").container.user.span) == (8, 3)


def test_extension_fields_are_ignored():
    doc = parse("""
        x-common:
          image: nginx
        services:
          x-template:
            image: nope
          web:
            image: nginx:1
            x-owner: team-a
            x-ports: {a: b}
        """)
    assert [s.name for s in doc.services] == ["web"]
    assert errors(doc) == []


def test_compose_v1_has_no_services_and_no_problem():
    doc = parse("""
        web:
          image: nginx
          ports:
            - "80:80"
        """)
    assert doc.services == [] and doc.problems == []


def test_empty_and_comment_only_files():
    for text in ("", "# nothing\n", "---\n", "services:\n", "services: {}\n"):
        doc = parse(text)
        assert doc.services == [] and doc.problems == [], text


# --- wrong shapes, stream problems ---------------------------------------------------------------

def test_services_as_list_is_a_problem():
    doc = parse("services:\n  - web\n  - db\n")
    assert errors(doc) == ["services: expected a mapping, found a list"]
    assert at(doc.problems[0].span) == (2, 3)
    assert doc.services == []


def test_top_level_list_is_a_problem():
    doc = parse("- services\n")
    assert errors(doc) == ["a compose file must be a mapping at the top level, found a list"]


def test_service_as_string_is_a_problem_and_others_still_parse():
    doc = parse("""
        services:
          broken: nginx:latest
          empty:
          web:
            image: 123
            user: app
        """)
    assert errors(doc) == [
        "service 'broken': expected a mapping of settings, found a string",
        "service 'web': image: expected a string, found a number",
    ]
    assert [p.span.line for p in doc.problems] == [2, 5]
    assert [s.name for s in doc.services] == ["empty", "web"]
    web = service(doc, "web").container
    assert web.image is None and web.user.value == "app"


def test_stream_problems_are_copied():
    doc = parse("""
        services:
          web:
            image: nginx:1
            image: nginx:latest
        """)
    assert [(p.kind, p.span.line) for p in doc.problems] == [("duplicate-key", 4)]
    assert doc.services[0].container.image.tag == "latest"

    broken = parse("services:\n  web:\n    image: [unclosed\n")
    assert [p.kind for p in broken.problems] == ["parse-error"]
    assert broken.services == []


def test_documents_of_one_stream_are_merged():
    doc = parse("""
        services:
          web:
            image: nginx:1
            user: root
        ---
        services:
          web:
            user: app
          db:
            image: postgres
        """)
    assert [s.name for s in doc.services] == ["web", "db"]
    web = service(doc, "web").container
    assert (web.image.tag, web.user.value, web.user.span.line) == ("1", "app", 8)
    assert at(service(doc, "web").span) == (2, 3)


SHAPES = ["", "null", "[]", "{}", "1", "-3", "1.5", "true", "'x'", "[1, [2], {a: b}, null]",
          "{a: [1], b: {c: d}, e: null}", "{aliases: {x: 1}}", "[{target: {a: 1}, published: [1]}]",
          "[{path: [1]}, {type: [x], source: {}, target: []}]", "{resources: {limits: {memory: []}}}",
          "{driver: [x], options: [a]}", "{context: [1], dockerfile: {}}", "{test: {}, disable: [1]}",
          "['${', '$${X}', '${X:-${Y}}:80', '[::1', ':::', '-1:80', '0:0']"]
KEYS = ["image", "user", "privileged", "cap_add", "security_opt", "network_mode", "pid", "ipc", "ports",
        "expose", "environment", "env_file", "healthcheck", "mem_limit", "deploy", "volumes", "build",
        "logging", "container_name", "hostname", "networks"]


@pytest.mark.parametrize("key", KEYS)
def test_any_shape_for_any_key_never_raises(key):
    for shape in SHAPES:
        doc = parse(f"services:\n  web:\n    {key}: {shape}\n  ok:\n    image: nginx:1\n")
        assert not any("could not be read" in m for m in errors(doc)), (key, shape, errors(doc))
        assert [s.name for s in doc.services] == ["web", "ok"]


def test_large_file_is_linear():
    block = "".join(
        f"  svc{i}:\n    image: app:{i}\n    ports: ['{1000 + i}:80']\n    environment: [A=1, B=2]\n"
        f"    volumes: ['./d{i}:/d']\n    healthcheck: {{test: [CMD, 'true']}}\n" for i in range(2000))
    started = time.perf_counter()
    doc = parse("services:\n" + block)
    elapsed = time.perf_counter() - started
    assert len(doc.services) == 2000 and errors(doc) == []
    assert elapsed < 5


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_compose_files_parse_cleanly():
    files = sorted(p for p in CORPUS.rglob("*compose*.y*ml") if p.is_file())
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        stream = load_stream(text, str(path))
        assert looks_like_compose(stream), path
        doc = parse_compose(Source(str(path), path, text, CORPUS), stream)
        assert doc.services, path
        assert doc.problems == [], (path, doc.problems)
        for s in doc.services:
            assert s.container.image is not None or s.build_only, (path, s.name)


# --- merge tags, extends, dockerfile_inline, defaults -----------------------------------------

def parse_tree(tmp_path: Path, files: dict[str, str], path: str = "compose.yaml") -> ComposeFile:
    """Parse `path` inside a scanned tree, reading other files the way the engine does."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"))
    root = tmp_path.resolve()

    def read(p: Path) -> str | None:
        real = p.resolve()
        return real.read_text() if real.is_relative_to(root) and real.is_file() else None

    real = root / path
    src = Source(path=path, real=real, text=real.read_text(), root=root,
                 display=lambda p: p.relative_to(root).as_posix(), read=read)
    return parse_compose(src, load_stream(src.text, path))


def test_reset_unsets_and_override_replaces():
    doc = parse("""
        services:
          web:
            image: app:1.0
            environment: {E_PASSWORD: !reset null, MODE: prod}
            privileged: !reset true
            cap_add: !reset [SYS_ADMIN]
          worker:
            image: app:1.0
            privileged: !override yes
            user: !override 0
        """)
    assert errors(doc) == []
    web = service(doc, "web").container
    assert [e.name for e in web.env] == ["MODE"]
    assert web.privileged is None and web.cap_add == ()
    worker = service(doc, "worker").container
    assert worker.privileged is not None and worker.privileged.value is True
    assert worker.user is not None and worker.user.value == "0"


def test_reset_values_fire_no_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from tests.helpers import run

    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: app:1.0\n    environment: {E_PASSWORD: !reset null}\n"
        "    privileged: !reset true\n    cap_add: !reset [SYS_ADMIN]\n")
    monkeypatch.chdir(tmp_path)
    findings = run(".", "-f", "json", "--select", "IL601,IL202,IL204,IL001").json()["findings"]
    assert findings == []


def test_user_default_applies():
    doc = parse("""
        services:
          a:
            user: ${RUN_AS:-root}
          b:
            user: "${UID:-1000}:${GID-1000}"
          c:
            user: ${RUN_AS}
        """)
    assert [s.container.user.value for s in doc.services] == ["root", "1000:1000", "${RUN_AS}"]
    assert at(service(doc, "a").container.user.span) == (3, 5)


def test_dockerfile_inline_is_carried():
    s = one("""
        services:
          web:
            build:
              context: ${CTX:-./web}
              dockerfile_inline: |
                FROM alpine:3.19
                USER 10001
        """)
    build = s.container.build
    assert build is not None
    assert (build.context, build.dockerfile, build.inline) == ("./web", None, "FROM alpine:3.19\nUSER 10001\n")


def test_extends_in_the_same_file_merges_mappings_key_by_key():
    doc = parse("""
        services:
          local:
            image: app:1.0
            user: "10001"
            mem_limit: 256m
            healthcheck: {test: [CMD, "true"], interval: 5s}
            environment: {A: "1", B: "2"}
            cap_add: [NET_ADMIN]
          child:
            extends: local
            environment: {B: "3", C: "4"}
            cap_add: [CHOWN]
          short:
            extends: {service: local}
            user: "20002"
        """)
    assert errors(doc) == []
    child = service(doc, "child")
    c = child.container
    assert not child.incomplete
    assert (c.image.resolved, c.user.value, c.memory_limit.value) == ("app:1.0", "10001", "256m")
    assert len(c.healthchecks) == 1 and at(c.healthchecks[0].span) == (6, 5)  # the base's line
    assert sorted((e.name, e.value) for e in c.env) == [("A", "1"), ("B", "3"), ("C", "4")]
    assert [i.value for i in c.cap_add] == ["NET_ADMIN", "CHOWN"]  # lists are appended, as Compose does
    assert service(doc, "short").container.user.value == "20002"
    assert service(doc, "local").container.env[0].name == "A"


def test_extends_appends_lists_once_and_replaces_commands():
    doc = parse("""
        services:
          base:
            image: app:1.0
            ports: ["127.0.0.1:8080:8080", "9090:9090"]
            command: [serve, --debug]
          child:
            extends: base
            ports: ["9090:9090", "5432:5432"]
            command: [serve]
        """)
    c = service(doc, "child").container
    assert [p.raw for p in c.ports] == ["127.0.0.1:8080:8080", "9090:9090", "5432:5432"]
    assert [at(p.span)[0] for p in c.ports] == [4, 8, 8]  # a repeated entry is the child's


def test_extends_merges_environment_by_name_whatever_its_form():
    doc = parse("""
        services:
          base:
            image: app:1.0
            environment: {A: "1", B: "2"}
          child:
            extends: base
            environment:
              - B=3
              - C
          listed:
            extends: child
            environment: [A=9]
        """)
    assert sorted((e.name, e.value) for e in service(doc, "child").container.env) == [
        ("A", "1"), ("B", "3"), ("C", None)]
    assert sorted((e.name, e.value) for e in service(doc, "listed").container.env) == [
        ("A", "9"), ("B", "3"), ("C", None)]


def test_extends_honours_the_childs_reset_and_override():
    doc = parse("""
        services:
          base:
            image: app:1.0
            privileged: true
            environment: {A: "1"}
            healthcheck: {test: [CMD, "true"]}
          child:
            extends: base
            privileged: !reset null
            environment: !override {B: "2"}
        """)
    c = service(doc, "child").container
    assert c.privileged is None
    assert [e.name for e in c.env] == ["B"]
    assert len(c.healthchecks) == 1


def test_extends_chain_and_build_forms():
    doc = parse("""
        services:
          a:
            build: ./api
          b:
            extends: a
            build: {dockerfile: Dockerfile.prod}
          c:
            extends: b
            mem_limit: 1g
        """)
    c = service(doc, "c")
    assert not c.incomplete
    assert (c.container.build.context, c.container.build.dockerfile) == ("./api", "Dockerfile.prod")
    assert c.build_only


@pytest.mark.parametrize("extends", ["itself", "nobody", "{service: x-base}", "{file: other.yaml, service: base}",
                                     "{file: '${F}', service: base}", "'${NAME}'"])
def test_unresolvable_extends_makes_the_service_incomplete(extends):
    doc = parse(f"x-base: &b {{}}\nservices:\n  itself:\n    image: app:1.0\n    extends: {extends}\n")
    s = doc.services[0]
    assert s.incomplete and s.container.image.resolved == "app:1.0"
    assert errors(doc) == []


def test_extends_cycles_and_depth_are_bounded():
    doc = parse("""
        services:
          ping: {extends: pong, image: "a:1"}
          pong: {extends: ping, user: "1"}
        """)
    assert [s.incomplete for s in doc.services] == [True, True]
    chain = "".join(f"  s{i}:\n    extends: s{i + 1}\n" for i in range(40)) + "  s40:\n    user: '7'\n"
    deep = parse("services:\n" + chain)
    assert service(deep, "s39").container.user.value == "7" and not service(deep, "s39").incomplete
    assert service(deep, "s0").incomplete


def test_malformed_extends_is_a_problem():
    doc = parse("services:\n  web:\n    image: app:1.0\n    extends: [a]\n")
    assert errors(doc) == ["service 'web': extends: expected a service name, or a mapping with a 'service'"]
    assert doc.services[0].incomplete


def test_extends_from_another_file(tmp_path: Path):
    doc = parse_tree(tmp_path, {
        "compose.yaml": """
            services:
              web:
                extends:
                  file: common/base.yaml
                  service: app
                user: "10001"
              same:
                extends: {file: ./compose.yaml, service: web}
            """,
        "common/base.yaml": """
            services:
              app:
                extends: core
                build: ../src
                privileged: true
              core:
                mem_limit: 256m
                healthcheck: {test: [CMD, "true"]}
            """,
    })
    assert errors(doc) == []
    web = service(doc, "web")
    c = web.container
    assert not web.incomplete
    assert (c.memory_limit.value, c.user.value, c.build.context) == ("256m", "10001", "src")
    # Settings from another file point at the `extends:` that brings them in.
    assert c.privileged.span.path == "compose.yaml" and at(c.privileged.span) == (3, 5)
    assert at(c.memory_limit.span) == (3, 5)
    assert service(doc, "same").container.memory_limit.value == "256m"


def test_extends_never_reads_outside_the_root(tmp_path: Path):
    (tmp_path / "base.yaml").write_text("services:\n  app:\n    mem_limit: 256m\n")
    doc = parse_tree(tmp_path / "proj", {"compose.yaml": """
        services:
          web:
            extends: {file: ../base.yaml, service: app}
        """})
    web = service(doc, "web")
    assert web.incomplete and web.container.memory_limit is None


def test_extends_alias_bomb_stays_small():
    levels = ["x0: &x0 {a: 1}"] + [f"x{i}: &x{i} {{a: *x{i - 1}, b: *x{i - 1}}}" for i in range(1, 40)]
    text = "\n".join(levels) + "\nservices:\n  base:\n    labels: *x39\n  child:\n    extends: base\n    labels: *x39\n"
    started = time.perf_counter()
    doc = parse(text)
    assert time.perf_counter() - started < 2
    assert len(doc.services) == 2

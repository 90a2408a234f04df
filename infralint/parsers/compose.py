"""docker-compose files -> ComposeFile: each service as a spanned `Container`.

The parser never raises: a value of the wrong shape becomes a `parse-error` problem at that value,
and everything else in the file is still read. Merge keys (`<<: *defaults`) were already applied
by the YAML loader, so merged settings keep the spans of the anchor they came from; `extends:`
is applied by `compose_extends`.
"""
from __future__ import annotations

from infralint.model.common import BuildRef, Container, HealthCheck, ImageRef, PortMapping, Problem
from infralint.model.compose import ComposeFile, Service
from infralint.model.span import Spanned
from infralint.model.yamltree import YMap, YNode, YScalar, YSeq
from infralint.parsers.compose_common import (Ctx, describe, expand, expect_map, is_null, pair_span,
                                              spanned_setting, string_items, string_scalar)
from infralint.parsers.compose_env import parse_env_files, parse_environment
from infralint.parsers.compose_extends import ServiceFile, collect_services, extended
from infralint.parsers.compose_image import compose_image
from infralint.parsers.compose_ports import parse_expose, parse_ports
from infralint.parsers.compose_volumes import parse_volumes
from infralint.parsers.source import Source
from infralint.parsers.yamlload import YamlStream

_NAMESPACES = (("network_mode", "network"), ("pid", "pid"), ("ipc", "ipc"))
Settings = dict[str, tuple[YScalar, YNode]]


def looks_like_compose(stream: YamlStream) -> bool:
    """A first document with a `services:` mapping that is not a Kubernetes object."""
    if not stream.documents:
        return False
    root = stream.documents[0].root
    if not isinstance(root, YMap):
        return False
    if root.get("apiVersion") is not None and root.get("kind") is not None:
        return False
    return isinstance(root.get("services"), YMap)


def parse_compose(src: Source, stream: YamlStream) -> ComposeFile:
    ctx = Ctx(src.path, list(stream.problems))
    doc = ComposeFile(path=src.path, format="compose", text=src.text, problems=ctx.problems)
    roots = [d.root for d in stream.documents if d.root is not None and not is_null(d.root)]
    if roots and isinstance(roots[0], YMap):
        doc.node = roots[0]
    here = ServiceFile(src.real, collect_services(ctx, roots), stream.resets, stream.overrides)
    for key, node in here.services.values():
        doc.services.append(_guarded_service(ctx, src, here, key, node))
    return doc


def _guarded_service(ctx: Ctx, src: Source, here: ServiceFile, key: YScalar, node: YMap) -> Service:
    # Shape checks below cover every malformed input we know of; this guard only ensures that a
    # case we missed costs one service's details, reported, instead of the whole run.
    try:
        ctx.service = key.text
        node, complete = extended(ctx, src, here, key.text, node)
        return _service(ctx, key.text, key, node, incomplete=not complete)
    except Exception as exc:  # noqa: BLE001
        ctx.service = ""
        ctx.problems.append(Problem("parse-error", f"service '{key.text}' could not be read fully: {exc}", key.span))
        container = Container("compose", key.text, f"service {key.text}", key.span, role="service")
        return Service(key.text, key.span, container, node=node)
    finally:
        ctx.service = ""


def _service(ctx: Ctx, name: str, key: YScalar, node: YMap, *, incomplete: bool = False) -> Service:
    ctx.service = name
    settings: Settings = {k.text: (k, v) for k, v in node.items()}
    build = _build(ctx, *settings["build"]) if "build" in settings else None
    image = _image(ctx, settings["image"][1]) if "image" in settings else None
    container = Container(
        format="compose",
        name=name,
        object=f"service {name}",
        span=key.span,
        role="service",
        image=image,
        user=_user(ctx, node),
        privileged=_bool_setting(ctx, *settings["privileged"]) if "privileged" in settings else None,
        cap_add=string_items(ctx, "cap_add", settings["cap_add"][1]) if "cap_add" in settings else (),
        security_opt=(string_items(ctx, "security_opt", settings["security_opt"][1])
                      if "security_opt" in settings else ()),
        host_namespaces=_namespaces(ctx, settings),
        ports=_ports(ctx, settings),
        env=tuple(parse_environment(ctx, settings["environment"][1])) if "environment" in settings else (),
        env_files=tuple(parse_env_files(ctx, *settings["env_file"])) if "env_file" in settings else (),
        healthchecks=_healthchecks(ctx, settings),
        memory_limit=_memory_limit(ctx, node),
        mounts=tuple(parse_volumes(ctx, settings["volumes"][1])) if "volumes" in settings else (),
        build=build,
        **_logging(ctx, settings),
    )
    # With `build:`, an `image:` only names the build result; nothing is pulled.
    build_only = "build" in settings
    provider = "provider" in settings and "image" not in settings and "build" not in settings
    return Service(name, key.span, container, node=node, aliases=_aliases(ctx, node), build_only=build_only,
                   incomplete=incomplete, provider=provider)


def _user(ctx: Ctx, node: YMap) -> Spanned[str] | None:
    """`${RUN_AS:-root}` is root on a machine that does not set RUN_AS (a fresh clone)."""
    user = spanned_setting(ctx, node, "user")
    return None if user is None else Spanned(expand(user.value), user.span)


def _image(ctx: Ctx, value: YNode) -> ImageRef | None:
    scalar = string_scalar(ctx, "image", value, numbers=False)
    if scalar is None:
        return None
    raw = scalar.text.strip()
    if not raw:
        ctx.bad(value.span, "image: is empty")
        return None
    # Unlike other settings, the image points at its value: the reference is what gets edited.
    return compose_image(raw, value.span)


def _bool_setting(ctx: Ctx, key: YScalar, value: YNode) -> Spanned[bool] | None:
    flag = value.as_bool() if isinstance(value, YScalar) else None
    if flag is None:
        shown = f"'{value.text}'" if isinstance(value, YScalar) and value.value is not None else describe(value)
        ctx.bad(value.span, f"{key.text}: expected true or false, found {shown}")
        return None
    return Spanned(flag, pair_span(key, value))


def _namespaces(ctx: Ctx, settings: Settings) -> tuple[Spanned[str], ...]:
    out: list[Spanned[str]] = []
    for setting, namespace in _NAMESPACES:
        if setting not in settings:
            continue
        key, value = settings[setting]
        scalar = string_scalar(ctx, setting, value, numbers=False)
        if scalar is not None and scalar.text.strip() == "host":
            out.append(Spanned(namespace, pair_span(key, value)))
    return tuple(out)


def _ports(ctx: Ctx, settings: Settings) -> tuple[PortMapping, ...]:
    published = parse_ports(ctx, settings["ports"][1]) if "ports" in settings else []
    exposed = parse_expose(ctx, settings["expose"][1]) if "expose" in settings else []
    return tuple(published + exposed)


def _healthchecks(ctx: Ctx, settings: Settings) -> tuple[HealthCheck, ...]:
    if "healthcheck" not in settings:
        return ()
    key, value = settings["healthcheck"]
    check = expect_map(ctx, "healthcheck", value)
    if check is None:
        return ()
    # A disabled check points at what disables it: that is the line to change.
    for name, off in (("disable", check.get_bool("disable") is True), ("test", _test_is_none(check.get("test")))):
        pair = check.pair(name)
        if off and pair is not None:
            return (HealthCheck("healthcheck", pair_span(pair.key, pair.value), disabled=True),)
    return (HealthCheck("healthcheck", pair_span(key, value)),)


def _test_is_none(test: YNode | None) -> bool:
    """`test: ["NONE"]` or `test: NONE` turns off the image's own HEALTHCHECK."""
    if isinstance(test, YSeq):
        return bool(test.items) and isinstance(test.items[0], YScalar) and test.items[0].text == "NONE"
    return isinstance(test, YScalar) and test.text.strip() == "NONE"


def _memory_limit(ctx: Ctx, node: YMap) -> Spanned[str] | None:
    # compose refuses to run when both are set and differ, so taking deploy's first loses nothing.
    limits: YNode | None = node
    for step in ("deploy", "resources", "limits"):
        child = limits.get(step) if isinstance(limits, YMap) else None
        if child is None:
            limits = None
            break
        limits = expect_map(ctx, step, child)
    memory = spanned_setting(ctx, limits, "memory") if isinstance(limits, YMap) else None
    return memory or spanned_setting(ctx, node, "mem_limit")


def _logging(ctx: Ctx, settings: Settings) -> dict[str, object]:
    if "logging" not in settings:
        return {}
    logging = expect_map(ctx, "logging", settings["logging"][1])
    if logging is None:
        return {}
    options: list[tuple[str, Spanned[str]]] = []
    pair = logging.pair("options")
    if pair is not None and not is_null(pair.value):
        mapping = expect_map(ctx, "logging options", pair.value)
        for key, value in mapping.items() if mapping is not None else ():
            scalar = string_scalar(ctx, f"logging option {key.text}", value)
            if scalar is not None:
                options.append((key.text, Spanned(scalar.text, pair_span(key, value))))
    return {"logging_driver": spanned_setting(ctx, logging, "driver", numbers=False),
            "logging_options": tuple(options)}


def _build(ctx: Ctx, key: YScalar, value: YNode) -> BuildRef | None:
    span = pair_span(key, value)
    if isinstance(value, YScalar):
        scalar = string_scalar(ctx, "build", value, numbers=False)
        return None if scalar is None else BuildRef(expand(scalar.text), None, span)
    build = expect_map(ctx, "build", value)
    if build is None:
        return None
    context_text = _build_setting(ctx, build, "context") or "."  # compose's default: the project directory
    target = build.get_scalar("target")
    target_text = target.text.strip() if target is not None and target.value is not None else None
    args = build.pair("args")
    arg_vars = () if args is None or is_null(args.value) else tuple(parse_environment(ctx, args.value, "build.args"))
    return BuildRef(context_text, _build_setting(ctx, build, "dockerfile"), span, target_text or None,
                    inline=_build_setting(ctx, build, "dockerfile_inline"), args=arg_vars)


def _build_setting(ctx: Ctx, build: YMap, key: str) -> str | None:
    """A `build:` string setting, with inline defaults applied (Compose interpolates them all)."""
    pair = build.pair(key)
    if pair is None:
        return None
    scalar = string_scalar(ctx, f"build {key}", pair.value, numbers=False)
    return expand(scalar.text) if scalar is not None else None


def _aliases(ctx: Ctx, node: YMap) -> tuple[str, ...]:
    names: list[str] = []
    for setting in ("container_name", "hostname"):
        value = spanned_setting(ctx, node, setting)
        if value is not None and value.value.strip():
            names.append(value.value.strip())
    networks = node.get("networks")
    if isinstance(networks, YMap):
        for net, config in networks.items():
            if is_null(config):
                continue
            mapping = expect_map(ctx, f"networks {net.text}", config)
            aliases = mapping.get("aliases") if mapping is not None else None
            if aliases is not None:
                names.extend(s.value for s in string_items(ctx, f"networks {net.text} aliases", aliases))
    elif networks is not None and not isinstance(networks, YSeq):
        ctx.bad(networks.span, f"networks: expected a mapping or a list, found {describe(networks)}")
    return tuple(dict.fromkeys(names))

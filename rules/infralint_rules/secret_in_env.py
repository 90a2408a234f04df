from __future__ import annotations

import re
from typing import Iterator

from infralint.model.common import Container, Document, EnvVar
from infralint.model.dockerfile import Dockerfile, Instruction
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule
from infralint.secrets import (SecretMatch, context_names, find_secret, is_reference, is_secret_name,
                               is_switch, placeholder_kind, value_pattern)

# Tools that take a credential as a command-line argument. The `s` group is the credential.
# The gap between the command and its flag is bounded so that a pathological line (`curl curl
# curl …`) costs linear, not quadratic, time.
_ARG = r"(?P<s>[^\s;&|]+)"
RUN_CREDENTIALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS secret set with `aws configure set`",
     re.compile(r"\baws\s+configure\s+set\s+(?:[\w.-]+\.)?(?:aws_secret_access_key|aws_session_token)\s+" + _ARG)),
    ("a password passed to a registry login",
     re.compile(r"\b(?:docker|podman|buildah|oras|helm\s+registry)\s+login\b"
                r"[^;&|\n]{0,400}?\s(?:-p|--password)(?:=|\s+)" + _ARG)),
    ("a password passed to `az login`",
     re.compile(r"\baz\s+login\b[^;&|\n]{0,400}?\s(?:-p|--password)(?:=|\s+)" + _ARG)),
    ("a token passed to `doctl auth init`",
     re.compile(r"\bdoctl\s+auth\s+init\b[^;&|\n]{0,400}?\s(?:-t|--access-token)(?:=|\s+)" + _ARG)),
    ("an npm auth token", re.compile(r"_authToken\s*[=\s]\s*" + _ARG)),
    ("a password passed to sshpass", re.compile(r"\bsshpass\s+-p\s*" + _ARG)),
    ("a password passed to curl",
     re.compile(r"\bcurl\b[^;&|\n]{0,400}?\s(?:-u|--user)(?:=|\s+)['\"]?[^:\s'\"]+:" + _ARG)),
    ("a credential in an Authorization header",
     re.compile(r"(?i)\bAuthorization:\s*(?:Bearer|Basic|token)\s+(?P<s>[^\s'\"]+)")),
)
# In shell text `password=` is as often sed/grep patterns as real settings; only the
# unambiguous credential shapes count there.
_RUN_SKIPPED_PATTERNS = frozenset({"a password in a connection string"})
_SECRET_MOUNT = re.compile(r"(?:^|,)\s*type\s*=\s*secret\s*(?:,|$)")

FORMAT_HINTS = {
    "compose": "pass it from the shell or a git-ignored .env (`${NAME}`) or use compose `secrets:`",
    "kubernetes": "read it from a Secret with `valueFrom.secretKeyRef`",
    "ENV": "ENV values are stored in the image; pass it at run time or use `RUN --mount=type=secret`",
    "ARG": "build arguments are kept in the image history; use `RUN --mount=type=secret`",
    "build.args": "build arguments are kept in the image history; pass it with build `secrets:` "
                  "and read it with `RUN --mount=type=secret`",
}


@rule(id="IL601", name="secret-in-env", severity="high", formats=("dockerfile", "compose", "kubernetes"))
def secret_in_env(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Literal secret in an environment variable, build argument or RUN command

    ## What it does
    Finds secrets written into the file itself: compose `environment:` (map and list forms) and
    `build.args` (kept in the image history like a Dockerfile ARG), Dockerfile `ENV` and `ARG`
    defaults, Kubernetes `env[].value`, and credentials on a Dockerfile `RUN` command line
    (`aws configure set aws_secret_access_key …`, `docker login -p`, tokens such as `ghp_…` or
    `AKIA…`). A Dockerfile `ARG` whose name is a secret is reported too, at the same severity,
    even without a default, because the value passed with `--build-arg` is recorded in the image
    history.

    A value counts as a secret when the variable's name says so (a `_`-separated word such as
    PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, CREDENTIALS, a bare AUTH, or a trailing
    PASS/PWD/AUTH) or when the value has the shape of a credential whatever the name (AWS keys,
    PEM private keys, `scheme://user:pass@host`, `sk_live_`, `ghp_`, `xoxb-`, JWTs). Settings
    about a secret (`*_FILE`, `*_PATH`, `*_DIR`, `*_EXPIRES_IN`, `*_ROUNDS`, `*_ALGORITHM`,
    `AUTH_PROVIDER`, `AUTH_MODE`…), numbers and booleans, a bare `AUTH` naming a mechanism
    (`basic`, `oidc`), empty values, interpolations (`${DB_PASSWORD}`, `$DB_PASSWORD`,
    `$(DB_PASSWORD)`), `secretKeyRef` and `envFrom` are never reported, nor login commands in a
    `RUN --mount=type=secret` (a literal `ghp_…` token still is: it is in the file whatever is
    mounted). Extra name words: `secret-words`.

    Placeholders and guessable defaults are reported too, and the message says which:

    - a *placeholder* stands for a secret still to be chosen: a template (`<your key>`,
      `__TOKEN__`), filler (`xxx`), a marker (`changeme`, `example`, `replace_me`, `todo`,
      `your…`), or a value with no digit spelled only from placeholder words (`password`,
      `secret`, `change-me`, `your-secret-key`, `supersecretkey`);
    - a *guessable default* is a well-known default (`postgres`, `guest`, `admin`) or a value
      that repeats a name: a word of the variable's own name, of the service or its image, or
      a sibling user or database name (`WORDPRESS_DB_PASSWORD: wordpress`, `MYSQL_PASSWORD:
      wordpress` beside `MYSQL_USER: wordpress`), possibly with a number stuck on (`admin123`).

    Anything else is real-looking and reported as a plain literal secret, even when it contains
    a placeholder word (`realSecret123`).

    ## Why is this bad?
    Whatever is written in these files ends up in git history, in every clone and CI log, and
    (for Dockerfiles) in every layer of the image, where `docker history` and `docker inspect`
    show it to anyone who can pull it. Rotating a leaked key is the only fix once it is pushed.
    Placeholders are reported because they get deployed unchanged more often than anyone admits.

    ## Example
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:1.4.2
        environment:
          JWT_SECRET: 9c1f0e7a2b54d8e3f6a1
          DATABASE_URL: postgresql://api:Xk29fLq7@db:5432/api
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: ghcr.io/acme/api:1.4.2
        environment:
          JWT_SECRET: ${JWT_SECRET}
          DATABASE_URL: postgresql://api:${DB_PASSWORD}@db:5432/api
    ```
    """
    extra = ctx.settings.secret_words
    if isinstance(doc, Dockerfile):
        yield from _dockerfile(doc, ctx, extra)
        return
    for container in doc.containers:
        yield from _container(doc, ctx, container, extra)


def _container(doc: Document, ctx: Context, container: Container, extra: tuple[str, ...]) -> Iterator[Finding]:
    image = container.image.repository.rsplit("/", 1)[-1] if container.image else ""
    names = context_names(((e.name, e.literal) for e in container.env), container.name, image)
    where = "environment variable" if doc.format == "compose" else "env"
    for env in container.env:
        if env.is_reference:  # valueFrom: secretKeyRef, configMapKeyRef, fieldRef...
            continue
        match = find_secret(env.name, env.literal, extra, names)
        if match is not None:
            yield _report(ctx, env, f"{container.object}: {where} {env.name}", match,
                          FORMAT_HINTS[doc.format], container.object)
    # Compose `build.args` end up in the image history, like a Dockerfile ARG's value.
    for arg in container.build.args if container.build else ():
        match = find_secret(arg.name, arg.literal, extra, names)
        if match is not None:
            yield _report(ctx, arg, f"{container.object}: build argument {arg.name}", match,
                          FORMAT_HINTS["build.args"], container.object)


def _dockerfile(doc: Dockerfile, ctx: Context, extra: tuple[str, ...]) -> Iterator[Finding]:
    scopes: list[tuple[str, list[EnvVar]]] = [("global ARG", list(doc.global_args))]
    scopes += [(f"stage {s.name}", s.env) for s in doc.stages]
    declared: set[str] = set()
    for obj, entries in scopes:
        names = context_names((e.name, e.literal) for e in entries)
        for env in entries:
            if env.source == "ARG":
                finding = _build_arg(ctx, env, obj, extra, declared, names)
                declared.add(env.name)
                if finding is not None:
                    yield finding
                continue
            match = find_secret(env.name, env.literal, extra, names)
            if match is not None:
                yield _report(ctx, env, f"ENV {env.name}", match, FORMAT_HINTS["ENV"], obj)
    for ins in doc.instructions:
        if ins.keyword == "RUN":
            yield from _run(doc, ctx, ins)


def _build_arg(ctx: Context, env: EnvVar, obj: str, extra: tuple[str, ...], declared: set[str],
               names: frozenset[str]) -> Finding | None:
    match = find_secret(env.name, env.literal, extra, names)
    if match is not None:
        return _report(ctx, env, f"build argument {env.name}", match, FORMAT_HINTS["ARG"], obj)
    if not is_secret_name(env.name, extra):
        return None
    # A numeric or boolean default (`ARG REDIS_AUTH=false`), or a mechanism for a bare AUTH
    # (`ARG AUTH=basic`), makes it a switch, not a secret.
    if env.literal and is_switch(env.name, env.literal):
        return None
    # `ARG NPM_TOKEN` again in a later stage only brings the same argument into scope: one
    # report at its first declaration is enough.
    if env.name in declared:
        return None
    # No literal default: the secret is not in the file, only (later) in the image history.
    return ctx.report(
        env.span,
        f"build argument {env.name} is a secret; the value given with --build-arg is kept in the "
        "image history; use `RUN --mount=type=secret` instead",
        object=obj,
        key=f"ARG:{env.name}",
    )


def _run(doc: Dockerfile, ctx: Context, ins: Instruction) -> Iterator[Finding]:
    # With a secret mount, a login command's argument is the mounted secret (however it is
    # read); a literal token such as `ghp_…` is still in the file whatever is mounted.
    mounted = any(name == "mount" and _SECRET_MOUNT.search(value) for name, value in ins.flags)
    text = "\n".join((ins.args, *ins.heredocs))
    found = _run_credential(text, mounted)
    if found is None:
        return
    label, secret = found
    note = _placeholder_note(placeholder_kind(secret))
    yield ctx.report(
        _line_of(doc, ins.span, secret),
        f"RUN command holds {label}{note}; it is stored in the image layer and history; "
        "use `RUN --mount=type=secret`",
        object=f"stage {_stage_name(doc, ins)}",
        key=f"RUN:{label}",
        secret=secret,
    )


def _run_credential(text: str, mounted: bool) -> tuple[str, str] | None:
    for label, pattern in () if mounted else RUN_CREDENTIALS:
        for m in pattern.finditer(text):
            secret = m.group("s").strip("'\"")
            # `$AWS_SECRET`, `"${TOKEN}"`, `$(cat /run/secrets/x)`: the value is not in the file.
            if secret and not is_reference(secret) and not secret.startswith("$"):
                return label, secret
    found = value_pattern(text)
    if found is not None and found[0] not in _RUN_SKIPPED_PATTERNS:
        return found
    return None


def _report(ctx: Context, env: EnvVar, what: str, match: SecretMatch, hint: str, obj: str) -> Finding:
    holds = "a literal secret" if match.reason == "name" else match.reason
    return ctx.report(
        env.span,
        f"{what} holds {holds}{_placeholder_note(match.placeholder)}; {hint}",
        object=obj,
        key=f"{env.source}:{env.name}",
        secret=match.secret,
    )


def _placeholder_note(kind: str | None) -> str:
    if kind == "placeholder":
        return " (a placeholder value, which tends to get deployed unchanged)"
    if kind == "default":
        return " (a guessable default, as weak as a placeholder)"
    return ""


def _line_of(doc: Dockerfile, span: Span, secret: str) -> Span:
    """The physical line of a multi-line RUN that holds the secret: the line a user edits."""
    lines = doc.lines
    first = secret.splitlines()[0] if secret else ""
    for n in range(span.line, min(span.end_line, len(lines)) + 1):
        col = lines[n - 1].find(first) if first else -1
        if col >= 0:
            return Span(span.path, n, col + 1, n, col + 1 + len(first))
    return span


def _stage_name(doc: Dockerfile, ins: Instruction) -> str:
    if 0 <= ins.stage_index < len(doc.stages):
        return doc.stages[ins.stage_index].name
    return "global"

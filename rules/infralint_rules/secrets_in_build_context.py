from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Iterator

from infralint.model.common import Document
from infralint.model.dockerfile import Dockerfile, Instruction
from infralint.model.files import DockerIgnore
from infralint.rule import Context, Finding, rule
from infralint_rules._dockerignore import compile_patterns, is_excluded

# What a whole-context copy must not take along: (shown in messages, a path that stands for it,
# relative to the context root). A pattern that leaves the sample path in the context leaves the
# real files in too.
SECRETS = (
    (".env*", ".env"),
    (".env*", ".env.production"),  # `.env` alone leaves `.env.local`, `.env.production`… in
    (".git", ".git/config"),
    ("*.pem", "server.pem"),
    ("*.key", "server.key"),
)


@rule(id="IL603", name="secrets-in-build-context", severity="medium", formats=("dockerfile",))
def secrets_in_build_context(doc: Document, ctx: Context) -> Iterator[Finding]:
    """`COPY .` copies secrets because `.dockerignore` does not exclude them

    ## What it does
    Finds `COPY` and `ADD` instructions that copy the whole build context (`COPY . .`,
    `COPY ./ /app`, `ADD . /src`, `COPY --chown=app . .`, also `*` and `./*`) and checks the
    `.dockerignore` that applies to that build. It reports the copy when there is no
    `.dockerignore`, or when it does not exclude all of `.env*`, `.git`, `*.pem` and `*.key`.

    The `.dockerignore` is the one Docker would read: `<Dockerfile name>.dockerignore` beside
    the Dockerfile if there is one, else `.dockerignore` at the root of the build context.
    The context is the `build.context` of a compose file that builds this Dockerfile (found
    even when only the Dockerfile is linted), else the Dockerfile's own folder. Patterns are
    matched as Docker matches them: `**`, `!` exceptions, a leading `/` ignored, and no
    matching at every depth (`*.pem` excludes `server.pem`, not `certs/server.pem`). A
    deny-all `*` followed by `!` exceptions counts as excluding whatever it does not re-include.
    `--exclude` flags on the instruction count as well. Copies from another stage or image
    (`COPY --from=…`) are not from the context and are not reported.

    ## Why is this bad?
    `COPY .` copies everything in the build context that `.dockerignore` does not exclude.
    A developer's `.env` with production credentials, the `.git` folder (with its whole
    history, including secrets that were committed and "removed" later) and TLS or SSH
    private keys end up in an image layer. Anyone who can pull the image can read them with
    `docker save` or `docker history`, even when a later instruction deletes the files.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    ```text
    # .dockerignore
    __pycache__/
    ```

    ## Use instead
    ```text
    # .dockerignore
    __pycache__/
    .git
    .env*
    **/*.pem
    **/*.key
    ```
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    Or copy only what the image needs (`COPY src/ ./src/`), or start the `.dockerignore`
    with `*` and re-include the sources with `!src`.
    """
    if not isinstance(doc, Dockerfile):
        return
    copies = [i for i in doc.instructions if _copies_whole_context(i, doc.escape)]
    if not copies:
        return
    found = ctx.project.dockerignore_for(doc)
    if found is None:
        return  # a Dockerfile with no place on disk (stdin): no context to judge
    path, ignore = found
    if ignore is None and path.is_file():
        return  # there is one, but it could not be read: unknown, not missing
    shown = _display(doc, ctx, path, ignore)
    patterns = compile_patterns(p.value for p in ignore.patterns) if isinstance(ignore, DockerIgnore) else None
    for instr in copies:
        stage = doc.stages[instr.stage_index].name if 0 <= instr.stage_index < len(doc.stages) else "?"
        head = f"{instr.keyword} {_source_shown(instr, doc.escape)}"
        if patterns is None:
            message = (f"{head} copies the whole build context and {shown} is missing, so "
                       f"{_listing(list(dict.fromkeys(name for name, _ in SECRETS)))} files are copied too")
            yield ctx.report(instr.span, message, object=f"stage {stage}", key=f"{head} no .dockerignore")
            continue
        extra = compile_patterns(value for name, value in instr.flags if name == "exclude")
        missing = list(dict.fromkeys(name for name, sample in SECRETS if not is_excluded(sample, patterns + extra)))
        if missing:
            message = (f"{head} copies the whole build context and {shown} does not exclude "
                       f"{_listing(missing)}")
            yield ctx.report(instr.span, message, object=f"stage {stage}", key=f"{head} lacks {' '.join(missing)}")


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _copies_whole_context(instr: Instruction, esc: str) -> bool:
    if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
        return False  # `--from` copies out of another stage or image, not the context
    return any(_is_context_root(src) for src in _sources(instr, esc))


def _sources(instr: Instruction, esc: str) -> list[str]:
    """The source operands (every operand but the destination), quoting removed."""
    return list(instr.words[:-1])


def _is_context_root(source: str) -> bool:
    """`.`, `./`, `/` (sources are relative to the context root), and `*`, `./*` (every entry of
    the root, dotfiles included: Go's globbing does not hide them)."""
    if not source or "$" in source or source.startswith("<<"):
        return False
    cleaned = posixpath.normpath(source).lstrip("/")
    return cleaned in ("", ".", "*")


def _source_shown(instr: Instruction, esc: str) -> str:
    for src in _sources(instr, esc):
        if _is_context_root(src):
            return src
    return "."


def _display(doc: Document, ctx: Context, path: Path, ignore: Document | None) -> str:
    """The .dockerignore's path as findings show paths (relative to where infralint runs), even
    when the file does not exist: worked out from the Dockerfile's own display path."""
    if ignore is not None:
        return ignore.path
    real = ctx.project.real(doc)
    if real is None:
        return path.name
    rel = os.path.relpath(path, real.parent).replace(os.sep, "/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), rel))

"""Dockerfile parser: line splitting, heredocs, directives, instructions, stages, ENV/ARG, images."""
from __future__ import annotations

import random
import textwrap
import time
from pathlib import Path

import pytest

from infralint.model.dockerfile import Dockerfile, Instruction
from infralint.model.span import Span
from infralint.parsers.dockerfile import parse_dockerfile
from infralint.parsers.source import Source

CORPUS = Path("/work/shared/corpus")


def parse(text: str, dedent: bool = True) -> Dockerfile:
    if dedent:
        text = textwrap.dedent(text).lstrip("\n")
    return parse_dockerfile(Source(path="Dockerfile", real=Path("/tmp/Dockerfile"), text=text, root=Path("/tmp")))


def errors(doc: Dockerfile) -> list[tuple[str, int]]:
    return [(p.message, p.span.line) for p in doc.problems if p.kind == "parse-error"]


def only(doc: Dockerfile, keyword: str) -> Instruction:
    found = [i for i in doc.instructions if i.keyword == keyword]
    assert len(found) == 1, found
    return found[0]


# -- empty input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n", "# just a comment\n", "# escape=`\n# a comment\n\n"])
def test_empty_and_comment_only_files_have_nothing(text: str) -> None:
    doc = parse(text, dedent=False)
    assert doc.problems == []
    assert doc.stages == [] and doc.instructions == [] and doc.global_args == []
    assert doc.format == "dockerfile" and doc.path == "Dockerfile" and doc.text == text
    assert doc.final_stage is None and doc.containers == []


# -- instructions, spans, flags -------------------------------------------------------------------

def test_instruction_fields_and_spans() -> None:
    doc = parse("""
        FROM alpine:3.19
          run --mount=type=cache,target=/var/cache/apk --network=none apk add curl
        CMD ["sh"]
    """)
    assert errors(doc) == []
    run = doc.instructions[1]
    assert run.keyword == "RUN"
    assert run.args == "apk add curl"
    assert run.flags == (("mount", "type=cache,target=/var/cache/apk"), ("network", "none"))
    assert run.flag("mount") == "type=cache,target=/var/cache/apk"
    assert run.flag("security") is None
    line2 = "  run --mount=type=cache,target=/var/cache/apk --network=none apk add curl"
    assert run.span == Span("Dockerfile", 2, 3, 2, len(line2) + 1)
    assert run.stage_index == 0
    assert doc.instructions[0].span == Span("Dockerfile", 1, 1, 1, len("FROM alpine:3.19") + 1)
    assert [i.keyword for i in doc.final_stage.instructions] == ["FROM", "RUN", "CMD"]


def test_flag_without_value_and_double_dash() -> None:
    doc = parse("""
        FROM alpine
        COPY --link --chmod=755 a /b
        RUN -- --not-a-flag
    """)
    copy = only(doc, "COPY")
    assert copy.flags == (("link", ""), ("chmod", "755"))
    assert copy.args == "a /b"
    assert only(doc, "RUN").args == "--not-a-flag"


def test_continuation_skips_comments_and_blank_lines() -> None:
    doc = parse("""
        FROM debian:12
        RUN apt-get update \\
          # now add vim
          && apt-get install -y vim \\

            # \\
          && rm -rf /var/lib/apt/lists/*
        USER app
    """)
    assert errors(doc) == []
    run = only(doc, "RUN")
    assert run.args == "apt-get update && apt-get install -y vim && rm -rf /var/lib/apt/lists/*"
    assert (run.span.line, run.span.column, run.span.end_line) == (2, 1, 7)
    assert run.span.end_column == len("  && rm -rf /var/lib/apt/lists/*") + 1
    user = only(doc, "USER")
    assert user.span.line == 8
    assert doc.final_stage.user.value == "app"


def test_trailing_backslash_at_end_of_file() -> None:
    # BuildKit tolerates it, but a file that ends mid-instruction was usually cut short: the
    # instruction is kept and the problem is reported on the last line.
    doc = parse("FROM alpine\nRUN echo hi \\", dedent=False)
    assert [p.span.line for p in doc.problems] == [2]
    run = only(doc, "RUN")
    assert run.args == "echo hi"
    assert (run.span.line, run.span.end_line) == (2, 2)
    doc = parse("FROM alpine\nRUN echo hi \\\n\n# trailing comment\n", dedent=False)
    assert [p.span.line for p in doc.problems] == [4] and only(doc, "RUN").args == "echo hi"


def test_lone_backslash_lines_do_not_break() -> None:
    doc = parse("\\\nFROM alpine\n\\\n", dedent=False)
    assert [p.message.startswith("the file ends with a line continuation") for p in doc.problems] == [True]
    assert [i.keyword for i in doc.instructions] == ["FROM"]
    assert doc.instructions[0].span.line == 2


def test_crlf_line_endings_keep_lines_and_columns() -> None:
    text = "# syntax=docker/dockerfile:1\r\nARG TAG=1.2\r\nFROM node:${TAG} AS build\r\nRUN a \\\r\n  # c\r\n\r\n  && b\r\nENV K=v\r\nUSER node\r\n"
    doc = parse(text, dedent=False)
    assert errors(doc) == []
    run = only(doc, "RUN")
    assert run.args == "a && b"
    assert (run.span.line, run.span.end_line, run.span.end_column) == (4, 7, len("  && b") + 1)
    assert doc.stages[0].image.resolved == "node:1.2"
    assert doc.stages[0].image.span == Span("Dockerfile", 3, 6, 3, 17)
    (env,) = [e for e in doc.final_stage.env if e.source == "ENV"]
    assert (env.name, env.value, env.span.line, env.span.column) == ("K", "v", 8, 5)
    assert doc.final_stage.user.value == "node"
    assert only(doc, "USER").span == Span("Dockerfile", 9, 1, 9, 10)
    assert all("\r" not in i.args for i in doc.instructions)


def test_crlf_heredoc() -> None:
    doc = parse("FROM alpine\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nUSER 1000\r\n", dedent=False)
    assert errors(doc) == []
    assert only(doc, "RUN").heredocs == ("echo hi\n",)
    assert only(doc, "USER").span.line == 5


def test_unknown_instruction_is_reported_and_parsing_continues() -> None:
    doc = parse("""
        FROM alpine
          RUNN echo hi
        USER app
    """)
    assert errors(doc) == [('unknown instruction "RUNN"', 2)]
    assert doc.problems[0].span.column == 3
    assert [i.keyword for i in doc.instructions] == ["FROM", "USER"]
    assert doc.final_stage.user.value == "app"


def test_instruction_before_first_from_is_a_problem() -> None:
    doc = parse("""
        ARG BASE=alpine
        RUN echo hi
        FROM $BASE
    """)
    assert errors(doc) == [("RUN before the first FROM (only ARG may come before it)", 2)]
    assert doc.instructions[1].stage_index == -1
    assert doc.stages[0].image.resolved == "alpine"


def test_arg_only_file_is_reported() -> None:
    doc = parse("ARG A=1\n", dedent=False)
    assert [line for _, line in errors(doc)] == [1]
    assert [a.name for a in doc.global_args] == ["A"]


def test_problem_count_is_capped() -> None:
    doc = parse("\n".join(f"bogus {i}" for i in range(1000)), dedent=False)
    assert 1 <= len(doc.problems) <= 51
    assert doc.problems[0].span.line == 1


# -- parser directives ----------------------------------------------------------------------------

def test_escape_directive_backtick() -> None:
    doc = parse("""
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN dir C:\\ `
            && echo done
        COPY testfile.txt C:\\
        RUN echo after
    """)
    assert errors(doc) == []
    assert doc.escape == "`"
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN", "COPY", "RUN"]
    assert doc.instructions[1].args == "dir C:\\ && echo done"
    assert doc.instructions[1].span.end_line == 4
    assert doc.instructions[2].args == "testfile.txt C:\\"
    assert doc.instructions[3].span.line == 6


def test_directive_after_a_comment_is_just_a_comment() -> None:
    doc = parse("""
        # a comment first
        # escape=`
        FROM alpine
        RUN echo a \\
            b
    """)
    assert doc.escape == "\\"
    assert only(doc, "RUN").args == "echo a b"


def test_several_directives_and_errors() -> None:
    doc = parse("""
        # syntax=docker/dockerfile:1.7
        #check=skip=JSONArgsRecommended
        # ESCAPE = `
        FROM alpine
    """)
    assert errors(doc) == [] and doc.escape == "`"
    doc = parse("# escape=x\nFROM alpine\n", dedent=False)
    assert [line for _, line in errors(doc)] == [1] and doc.escape == "\\"
    doc = parse("# escape=`\n# escape=\\\nFROM alpine\n", dedent=False)
    assert [line for _, line in errors(doc)] == [2] and doc.escape == "`"


# -- heredocs -------------------------------------------------------------------------------------

def test_heredoc_basic_and_not_parsed_as_instructions() -> None:
    doc = parse("""
        FROM alpine
        RUN <<EOF
        FROM evil
        USER root
        apk add curl
        EOF
        USER app
    """)
    assert errors(doc) == []
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN", "USER"]
    run = doc.instructions[1]
    assert run.args == "<<EOF"
    assert run.heredocs == ("FROM evil\nUSER root\napk add curl\n",)
    assert (run.span.line, run.span.end_line, run.span.end_column) == (2, 6, 4)
    assert len(doc.stages) == 1 and doc.final_stage.user.value == "app"


def test_heredoc_forms() -> None:
    text = (
        "FROM alpine\n"
        "RUN <<-EOF\n\techo tabbed\n\tEOF\n"
        'RUN <<"EOT" bash\necho $HOME\nEOT\n'
        "RUN <<'END'\necho quoted\nEND\n"
        "COPY <<EOF /etc/app.conf\nkey=value\nEOF\n"
        "COPY --chmod=644 <<-\\EOT /x\n\tx\n\tEOT\n"
        "RUN 3<<FD cat /dev/fd/3\nfd\nFD\n"
        "CMD echo done\n"
    )
    doc = parse(text, dedent=False)
    assert errors(doc) == []
    runs = [i for i in doc.instructions if i.keyword in ("RUN", "COPY")]
    assert [r.heredocs for r in runs] == [
        ("echo tabbed\n",), ("echo $HOME\n",), ("echo quoted\n",), ("key=value\n",), ("x\n",), ("fd\n",)
    ]
    assert runs[1].args == '<<"EOT" bash'
    assert runs[3].args == "<<EOF /etc/app.conf"
    assert runs[4].flags == (("chmod", "644"),)
    assert only(doc, "CMD").span.line == 20


def test_several_heredocs_on_one_line() -> None:
    doc = parse("""
        FROM alpine
        RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2
        I am
        first
        FILE1
        I am
        second
        FILE2
        USER app
    """)
    assert errors(doc) == []
    run = only(doc, "RUN")
    assert run.heredocs == ("I am\nfirst\n", "I am\nsecond\n")
    assert run.span.end_line == 8
    assert only(doc, "USER").span.line == 9


def test_heredoc_after_continuation_line() -> None:
    doc = parse("""
        FROM golang:1.22
        RUN ls && \\
            cat <<EOF >> go.mod && \\
            go mod tidy
        replace example.com/x => ./x
        EOF
        RUN go build
    """)
    assert errors(doc) == []
    first = doc.instructions[1]
    assert first.args == "ls && cat <<EOF >> go.mod && go mod tidy"
    assert first.heredocs == ("replace example.com/x => ./x\n",)
    assert (first.span.line, first.span.end_line) == (2, 6)
    assert doc.instructions[2].args == "go build" and doc.instructions[2].span.line == 7


def test_heredoc_without_trailing_newline_and_empty_body() -> None:
    doc = parse("FROM alpine\nRUN <<EOF\nEOF", dedent=False)
    assert errors(doc) == [] and only(doc, "RUN").heredocs == ("",)
    doc = parse("FROM alpine\nRUN <<EOF\necho\nEOF", dedent=False)
    assert errors(doc) == [] and only(doc, "RUN").heredocs == ("echo\n",)


def test_not_heredocs() -> None:
    doc = parse("""
        FROM alpine
        RUN cat <<<"here string" && echo "<<EOF" '<<EOT'
        ENV X=<<EOF
        USER app
    """)
    assert errors(doc) == []
    assert all(i.heredocs == () for i in doc.instructions)
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN", "ENV", "USER"]


def test_unterminated_heredoc() -> None:
    doc = parse("""
        FROM alpine
        RUN echo start && \\
            cat <<EOF > /x
        body
        EOF   
        USER app
    """)
    assert len(doc.problems) == 1
    problem = doc.problems[0]
    assert problem.kind == "parse-error"
    assert "unterminated heredoc" in problem.message and "EOF" in problem.message
    assert problem.span.line == 3  # the line of the `<<`
    run = only(doc, "RUN")  # the instruction is kept, with what followed as its body
    assert run.heredocs == ("body\nEOF   \nUSER app\n",)
    assert run.span.line == 2


def test_onbuild_heredoc() -> None:
    doc = parse("""
        FROM alpine
        ONBUILD RUN <<EOF
        echo later
        EOF
        USER app
    """)
    assert errors(doc) == []
    assert only(doc, "ONBUILD").heredocs == ("echo later\n",)
    assert doc.final_stage.user.value == "app"


# -- FROM and images ------------------------------------------------------------------------------

def test_from_with_arg_tag() -> None:
    doc = parse("""
        ARG TAG=latest
        FROM node:${TAG}
    """)
    img = doc.stages[0].image
    assert (img.raw, img.resolved, img.repository, img.tag) == ("node:${TAG}", "node:latest", "node", "latest")
    assert img.variable == "TAG" and not img.unresolved and not img.is_stage
    assert img.span == Span("Dockerfile", 2, 6, 2, 17)
    assert [(a.name, a.value) for a in doc.global_args] == [("TAG", "latest")]


def test_from_whole_reference_from_arg() -> None:
    doc = parse("""
        ARG BASE=node:20
        FROM $BASE AS app
    """)
    img = doc.stages[0].image
    assert (img.resolved, img.tag, img.variable, img.unresolved) == ("node:20", "20", "BASE", False)
    assert doc.stages[0].alias == "app"


def test_from_inline_default() -> None:
    doc = parse("FROM ${BASE:-debian:12}\n", dedent=False)
    img = doc.stages[0].image
    assert (img.resolved, img.repository, img.tag, img.variable, img.unresolved) == ("debian:12", "debian", "12", "BASE", False)
    doc = parse("ARG BASE\nFROM ${BASE:-debian:12}\n", dedent=False)
    assert doc.stages[0].image.resolved == "debian:12"
    doc = parse("ARG BASE=ubuntu:24.04\nFROM ${BASE:-debian:12}\n", dedent=False)
    assert doc.stages[0].image.resolved == "ubuntu:24.04"


def test_from_unresolved_variable() -> None:
    doc = parse("""
        ARG TAG
        FROM node:${TAG}
    """)
    img = doc.stages[0].image
    assert img.unresolved and img.variable == "TAG"
    assert img.resolved == "node:${TAG}" and img.tag == "${TAG}"
    doc = parse("FROM base-${TARGETARCH}\n", dedent=False)
    assert doc.stages[0].image.unresolved


def test_from_arg_in_stage_is_not_visible_to_later_from() -> None:
    doc = parse("""
        FROM alpine:3.19
        ARG TAG=1.0
        FROM node:${TAG}
    """)
    assert doc.stages[1].image.unresolved
    assert doc.global_args == []


def test_from_arg_chain() -> None:
    doc = parse("""
        ARG VERSION=20
        ARG IMAGE=node:${VERSION}-alpine
        FROM ${IMAGE}
    """)
    assert doc.stages[0].image.resolved == "node:20-alpine"
    assert doc.stages[0].image.variable == "IMAGE"


def test_from_variable_registry_does_not_own_the_tag() -> None:
    doc = parse("""
        ARG REGISTRY=registry.example.com:5000
        FROM ${REGISTRY}/team/app
    """)
    img = doc.stages[0].image
    assert (img.registry, img.repository, img.tag, img.variable) == ("registry.example.com:5000", "team/app", None, None)


def test_from_platform_flag_and_alias() -> None:
    doc = parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS base\n", dedent=False)
    stage = doc.stages[0]
    assert stage.alias == "base" and stage.name == "base"
    assert stage.from_instruction.flags == (("platform", "$BUILDPLATFORM"),)
    assert stage.from_instruction.args == "golang:1.22 AS base"
    img = stage.image
    assert (img.resolved, img.tag, img.unresolved) == ("golang:1.22", "1.22", False)
    assert img.span == Span("Dockerfile", 1, 32, 1, 43)


@pytest.mark.parametrize("ref, registry, repository, tag, digest", [
    ("img:tag@sha256:abc123", None, "img", "tag", "sha256:abc123"),
    ("reg:5000/img", "reg:5000", "img", None, None),
    ("ghcr.io/org/app:1.0", "ghcr.io", "org/app", "1.0", None),
    ("nginx", None, "nginx", None, None),
])
def test_from_reference_shapes(ref: str, registry: str | None, repository: str, tag: str | None, digest: str | None) -> None:
    img = parse(f"FROM {ref}\n", dedent=False).stages[0].image
    assert (img.registry, img.repository, img.tag, img.digest) == (registry, repository, tag, digest)
    assert img.variable is None and not img.unresolved and not img.is_stage


def test_from_scratch_and_stage_references() -> None:
    doc = parse("""
        FROM golang:1.22 As Builder
        RUN go build
        FROM builder AS test
        FROM 0
        FROM scratch
        from BUILDER as final
    """)
    assert errors(doc) == []
    s = doc.stages
    assert s[0].alias == "Builder" and s[0].image.is_stage is False
    assert s[1].image.is_stage and s[1].parent is s[0]
    assert s[2].image.is_stage and s[2].parent is s[0]
    assert s[3].image.is_scratch and not s[3].image.is_stage and s[3].parent is None
    assert s[4].parent is s[0] and s[4].name == "final"
    assert [i.stage_index for i in doc.instructions] == [0, 0, 1, 2, 3, 4]


def test_from_later_stage_name_is_an_image() -> None:
    doc = parse("""
        FROM app
        FROM alpine AS app
    """)
    assert not doc.stages[0].image.is_stage and doc.stages[0].parent is None


def test_from_errors() -> None:
    doc = parse("""
        FROM
        RUN echo still parsed
        FROM alpine AS
        FROM alpine AS a
        FROM busybox AS A
    """)
    assert [line for _, line in errors(doc)] == [1, 3, 5]
    assert len(doc.stages) == 4
    assert doc.stages[0].image.unresolved
    assert doc.instructions[1].stage_index == 0


# -- stages: USER and HEALTHCHECK inheritance ----------------------------------------------------

def test_user_and_healthcheck_inherit_from_parent_stage() -> None:
    doc = parse("""
        FROM node:20 AS base
        USER node
        HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1
        FROM base AS final
        RUN echo hi
    """)
    base, final = doc.stages
    assert final.parent is base
    assert final.user.value == "node" and final.user.span.line == 2
    assert final.healthcheck.kind == "HEALTHCHECK" and final.healthcheck.span.line == 3
    assert not final.healthcheck.disabled
    (container,) = doc.containers
    assert container.user.value == "node" and container.span.line == 4
    assert container.healthchecks == (final.healthcheck,)


def test_own_user_overrides_and_last_wins() -> None:
    doc = parse("""
        FROM node:20 AS base
        USER node
        HEALTHCHECK CMD true
        FROM base
        USER root
        USER 0:0
        HEALTHCHECK NONE
    """)
    final = doc.final_stage
    assert final.user.value == "0:0" and final.user.span == Span("Dockerfile", 6, 1, 6, 9)
    assert final.healthcheck.disabled and final.healthcheck.span.line == 7
    assert doc.stages[0].user.value == "node"


def test_user_not_inherited_from_an_image() -> None:
    doc = parse("""
        FROM node:20 AS base
        USER node
        FROM node:20
    """)
    assert doc.final_stage.user is None and doc.final_stage.healthcheck is None


def test_user_forms() -> None:
    doc = parse("""
        FROM alpine
        USER ${UID}:${GID}
    """)
    assert doc.final_stage.user.value == "${UID}:${GID}"
    doc = parse("FROM alpine\nUSER\nHEALTHCHECK\nHEALTHCHECK curl x\n", dedent=False)
    assert [line for _, line in errors(doc)] == [2, 3, 4]
    assert doc.final_stage.user is None and doc.final_stage.healthcheck is None


# -- ENV and ARG ----------------------------------------------------------------------------------

def test_env_pairs() -> None:
    doc = parse("""
        FROM alpine
        ENV A=1 B="two words" C='$literal' \\
            D=$X E=${Y:-def} F= G="say \\"hi\\""
    """)
    env = {e.name: e for e in doc.final_stage.env}
    assert [(e.name, e.value, e.literal) for e in doc.final_stage.env] == [
        ("A", "1", "1"),
        ("B", "two words", "two words"),
        ("C", "$literal", "$literal"),
        ("D", "$X", ""),
        ("E", "${Y:-def}", "def"),
        ("F", "", ""),
        ("G", 'say "hi"', 'say "hi"'),
    ]
    assert all(e.source == "ENV" for e in env.values())
    assert env["A"].span == Span("Dockerfile", 2, 5, 2, 8)
    assert env["A"].name_span == Span("Dockerfile", 2, 5, 2, 6)
    assert env["A"].value_span == Span("Dockerfile", 2, 7, 2, 8)
    assert env["B"].span.column == 9 and env["B"].value_span == Span("Dockerfile", 2, 11, 2, 22)
    assert (env["D"].span.line, env["D"].span.column) == (3, 5)
    assert (env["E"].span.line, env["E"].span.column) == (3, 10)
    assert env["F"].value_span is None


def test_env_legacy_form() -> None:
    doc = parse("""
        FROM alpine
        ENV JAVA_OPTS -Xmx1g  -Dfoo=bar
        ENV GREETING "hello world"
        ENV MULTI first \\
            second
    """)
    env = doc.final_stage.env
    assert [(e.name, e.value) for e in env] == [
        ("JAVA_OPTS", "-Xmx1g  -Dfoo=bar"), ("GREETING", "hello world"), ("MULTI", "first second")
    ]
    assert env[0].span == Span("Dockerfile", 2, 5, 2, len("ENV JAVA_OPTS -Xmx1g  -Dfoo=bar") + 1)
    assert env[0].value_span.column == 15
    assert env[2].span.line == 4 and env[2].span.end_line == 5


def test_env_errors() -> None:
    doc = parse("""
        FROM alpine
        ENV LONELY
        ENV A=1 oops B=2
        ENV
    """)
    assert [line for _, line in errors(doc)] == [2, 3, 4]
    assert [e.name for e in doc.final_stage.env] == ["A", "B"]


def test_env_interpolation_with_quotes_inside() -> None:
    doc = parse('FROM alpine\nENV X=${X:-"java \\$OPTS"}\n', dedent=False)
    assert errors(doc) == []
    (env,) = doc.final_stage.env
    assert env.value == "${X:-java $OPTS}"


def test_arg_forms() -> None:
    doc = parse("""
        ARG GLOBAL_TOKEN=ghp_abc
        FROM alpine
        ARG NAME
        ARG WITH_DEFAULT=value
        ARG A=1 B="2 3"
        ARG DB_PASSWORD
    """)
    assert [(a.name, a.value, a.literal, a.source) for a in doc.global_args] == [("GLOBAL_TOKEN", "ghp_abc", "ghp_abc", "ARG")]
    assert [(e.name, e.value, e.literal) for e in doc.final_stage.env] == [
        ("NAME", None, None), ("WITH_DEFAULT", "value", "value"), ("A", "1", "1"), ("B", "2 3", "2 3"),
        ("DB_PASSWORD", None, None),
    ]
    name = doc.final_stage.env[0]
    assert name.span == Span("Dockerfile", 3, 5, 3, 9) and name.value_span is None
    assert doc.final_stage.env[3].span.column == 9
    assert [e.name for e in doc.env_entries()] == ["GLOBAL_TOKEN", "NAME", "WITH_DEFAULT", "A", "B", "DB_PASSWORD"]


def test_container_env_includes_parent_stages() -> None:
    doc = parse("""
        FROM alpine AS base
        ENV A=1
        FROM base
        ENV B=2
    """)
    (container,) = doc.containers
    assert [e.name for e in container.env] == ["A", "B"]


# -- robustness and speed -------------------------------------------------------------------------

def test_random_input_never_raises() -> None:
    pieces = ["FROM", "RUN", "ENV", "ARG", "USER", "HEALTHCHECK", "COPY", "from", " ", "  ", "\t", "\n", "\r\n",
              "\\", "`", "#", "# escape=`", "<<", "<<-", "EOF", "'", '"', "$", "${", "}", ":-", "=", "AS", "@",
              ":", "/", "--", "--mount=", "x", "NONE", "CMD", "0", "\ufeff", "\x00", "é"]
    rng = random.Random(1234)
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        doc = parse(text, dedent=False)
        assert not any("internal" in p.message for p in doc.problems), (text, doc.problems)
        for p in doc.problems:
            assert p.span.line >= 1


@pytest.mark.parametrize("line", [
    "RUN " + "a " * 100_000,
    "RUN " + '"' + " " * 200_000,
    "RUN " + "<<" * 50_000,
    "ENV " + "A=b " * 50_000,
    "# escape=" + " " * 200_000 + "x",
    "FROM " + "${" * 100_000,
    "FROM " + "${a:-" * 20_000,
    "ENV A=" + "${a:-" * 20_000,
    "ARG A=" + "${a:-" * 20_000 + "}",
    "RUN " + "<<A " * 50_000,
    "RUN x \\\n" * 20_000 + "echo",
])
def test_long_inputs_parse_in_linear_time(line: str) -> None:
    start = time.perf_counter()
    parse("FROM alpine\n" + line + "\n", dedent=False)
    assert time.perf_counter() - start < 2.0


def test_typical_dockerfile_is_fast() -> None:
    text = textwrap.dedent("""
        # syntax=docker/dockerfile:1
        ARG NODE=20
        FROM node:${NODE}-alpine AS build
        WORKDIR /app
        COPY package*.json ./
        RUN --mount=type=cache,target=/root/.npm npm ci
        COPY . .
        RUN npm run build \\
            && npm prune --omit=dev
        FROM node:${NODE}-alpine
        ENV NODE_ENV=production PORT=8080
        COPY --from=build /app /app
        USER node
        HEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1
        CMD ["node", "/app/server.js"]
    """)
    parse(text, dedent=False)
    start = time.perf_counter()
    for _ in range(100):
        parse(text, dedent=False)
    assert (time.perf_counter() - start) / 100 < 0.002


def _corpus_dockerfiles() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if "dockerfile" in p.name.lower() and p.is_file())


@pytest.mark.skipif(not _corpus_dockerfiles(), reason="corpus not available")
def test_corpus_dockerfiles_parse_cleanly() -> None:
    for path in _corpus_dockerfiles():
        text = path.read_text(encoding="utf-8-sig")
        doc = parse_dockerfile(Source(path=path.name, real=path, text=text, root=path.parent))
        assert doc.problems == [], (path, doc.problems)
        assert doc.stages, path
        for stage in doc.stages:
            assert stage.image.resolved and not stage.image.unresolved, (path, stage.image)

"""Dockerfile model: instructions, stages (with inheritance resolved), and the final stage as a Container."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from infralint.model.common import Container, Document, EnvVar, HealthCheck, ImageRef
from infralint.model.span import Span, Spanned


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction. `args` is the text after the keyword and its flags, continuation lines joined
    (comment lines inside a continuation dropped); `heredocs` are the bodies of `<<EOF` documents."""

    keyword: str  # upper-case: "FROM", "RUN", ...
    args: str
    span: Span  # from the keyword to the end of the last line of the instruction
    flags: tuple[tuple[str, str], ...] = ()  # ("mount", "type=secret,id=x"), ("from", "builder")
    heredocs: tuple[str, ...] = ()
    stage_index: int = -1  # -1: before the first FROM (global ARGs)
    # The operands after the flags, shell quoting removed (an exec-form JSON array's items),
    # and where each is written in `args` (empty for the exec form).
    words: tuple[str, ...] = ()
    word_offsets: tuple[tuple[int, int], ...] = ()
    # Where `args` came from, one entry per physical line of a continued instruction:
    # (offset in `args`, line, column). Lets a finding point inside a long RUN.
    pieces: tuple[tuple[int, int, int], ...] = ()
    body_line: int = 0  # the line the first heredoc body starts on

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of `args[offset]` in the file."""
        if not self.pieces:
            return self.span.line, self.span.column
        k = max(bisect_right([p[0] for p in self.pieces], offset) - 1, 0)
        start, line, col = self.pieces[k]
        return line, col + offset - start

    def flag(self, name: str) -> str | None:
        for key, value in self.flags:
            if key == name:
                return value
        return None


@dataclass(slots=True)
class Stage:
    index: int
    from_instruction: Instruction
    image: ImageRef  # is_stage / is_scratch tell when FROM names a stage or scratch
    alias: str | None = None
    parent: "Stage | None" = None  # the earlier stage this one is built FROM
    instructions: list[Instruction] = field(default_factory=list)
    # Effective after inheritance from `parent`: the last USER / HEALTHCHECK that applies.
    user: Spanned[str] | None = None
    healthcheck: HealthCheck | None = None
    env: list[EnvVar] = field(default_factory=list)  # ENV and ARG entries declared in this stage

    @property
    def name(self) -> str:
        return self.alias or str(self.index)


@dataclass(slots=True)
class Dockerfile(Document):
    instructions: list[Instruction] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    global_args: list[EnvVar] = field(default_factory=list)  # ARGs before the first FROM
    escape: str = "\\"

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @property
    def images(self) -> list[ImageRef]:
        return [s.image for s in self.stages]

    def stage_for(self, target: str | None) -> Stage | None:
        """The stage that runs: `target` (a compose `build.target`) or the final stage."""
        if target:
            for stage in self.stages:
                if stage.alias and stage.alias.lower() == target.lower():
                    return stage
            return None
        return self.final_stage

    @property
    def containers(self) -> list[Container]:
        """The final stage, as the container this Dockerfile builds."""
        final = self.final_stage
        if final is None:
            return []
        env = [e for s in lineage(final) for e in s.env]
        return [
            Container(
                format="dockerfile",
                name=final.name,
                object=f"stage {final.name}",
                span=final.from_instruction.span,
                image=final.image,
                user=final.user,
                healthchecks=(final.healthcheck,) if final.healthcheck else (),
                env=tuple(env),
                role="stage",
            )
        ]

    def env_entries(self) -> list[EnvVar]:
        """Every ENV and ARG entry in the file, global ARGs included."""
        return list(self.global_args) + [e for s in self.stages for e in s.env]


def lineage(stage: Stage) -> list[Stage]:
    """The stages `stage` is built on, first the oldest, then `stage` itself."""
    chain: list[Stage] = []
    seen: set[int] = set()
    cur: Stage | None = stage
    while cur is not None and cur.index not in seen:
        seen.add(cur.index)
        chain.append(cur)
        cur = cur.parent
    return list(reversed(chain))

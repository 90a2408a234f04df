from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from infralint.model.common import Document
from infralint.model.dockerfile import Dockerfile, Instruction
from infralint.model.span import Span
from infralint.rule import Context, Finding, rule

DOWNLOADERS = frozenset({"curl", "wget", "fetch", "iwr", "invoke-webrequest", "irm", "invoke-restmethod"})
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh", "mksh", "fish"})
# Windows images: `powershell -Command "iwr … | iex"` runs its argument as PowerShell code.
POWERSHELLS = frozenset({"powershell", "powershell.exe", "pwsh", "pwsh.exe"})
# Interpreters that run a program read from stdin just like a shell (`| python3 -`).
INTERPRETERS = re.compile(r"(python[0-9.]*|perl|ruby|node|php)$")
# Commands whose argument is code: `source <(curl …)`, `eval "$(curl …)"`, PowerShell's `iex`.
EVALUATORS = frozenset({"source", ".", "eval", "iex", "invoke-expression"})
# Words that come before the command they run.
_PREFIXES = frozenset({"!", "{", "then", "do", "else", "if", "elif", "while", "until", "time",
                       "exec", "command", "builtin", "nohup"})
_WRAPPERS = {"sudo": "ugCDhprtUT", "doas": "uC", "env": "uCS", "busybox": ""}  # options taking a value
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_SUBSTITUTION = re.compile(r"^(\$\(|<\(|`)\s*")
_DOWNLOAD_STRING = re.compile(r"downloadstring\s*\(|\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b", re.IGNORECASE)
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_GIT = re.compile(r"^(git@|git://|ssh://)|^https?://[^#]*\.git(#|$)", re.IGNORECASE)
_COMMIT = re.compile(r"#[0-9a-f]{40}([0-9a-f]{24})?(:|$)", re.IGNORECASE)
_USERINFO = re.compile(r"(://)[^/@\s]+@")


@rule(id="IL103", name="remote-code-in-build", severity="medium", formats=("dockerfile",))
def remote_code_in_build(doc: Document, ctx: Context) -> Iterator[Finding]:
    """Build downloads code and runs or adds it without verifying it

    ## What it does
    Reports two ways a Dockerfile puts unverified remote content into an image:

    - `ADD https://…` (or `http://`) without `--checksum=sha256:…`, and `ADD` of a
      git repository (`git@…`, `https://….git`, `ssh://`) at a branch or tag rather than a
      full commit hash.
    - A `RUN` that pipes a download into a shell or interpreter: `curl … | sh`,
      `wget -qO- … | sudo bash`, `curl … | python3 -`, `bash <(curl …)`,
      `sh -c "$(curl …)"`, `eval "$(wget -O- …)"`, PowerShell's `iwr … | iex` and
      `iex (…DownloadString(…))`. Heredoc bodies (`RUN <<EOF`) and `sh -c '…'` scripts are
      read too. A download piped into a program that reads it as data
      (`curl … | tar xz`, `curl … | python3 -c '…json…'`) is not reported.

    `ONBUILD RUN` and `ONBUILD ADD` triggers count too: they run in every image built from
    this one. Multi-line `RUN` findings point at the line holding the pipe.

    ## Why is this bad?
    The build runs whatever the server returns at that moment. A compromised or hijacked
    download host, a changed install script or (over plain HTTP) anyone on the network path
    gets code execution inside the build, with access to build secrets, and a backdoor in
    the published image. The result is also not reproducible: two builds of the same commit
    can install different things. Downloading to a file and checking a published hash first
    makes the build fail loudly instead.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSL https://get.example.com/install.sh | sh
    ADD https://example.com/tool-1.4.2.tar.gz /tmp/
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    ARG INSTALL_SHA256=3f2a…
    RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \\
        && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \\
        && sh /tmp/install.sh && rm /tmp/install.sh
    ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \\
        https://example.com/tool-1.4.2.tar.gz /tmp/
    ```
    """
    if not isinstance(doc, Dockerfile):
        return
    for instr in doc.instructions:
        step = _unwrap(instr, doc.escape)
        if step is None:
            continue
        if step.keyword == "ADD":
            yield from _add(instr, step, doc, ctx)
        elif step.keyword == "RUN":
            for hit in _run_hits(instr, step, doc):
                yield ctx.report(hit.span, f"{step.label} {hit.what}; download to a file and check its sha256 first",
                                 object=_stage(doc, instr), key=hit.key)


@dataclass(frozen=True)
class Step:
    """A RUN or ADD, also when it is an `ONBUILD` trigger (which runs in every child build)."""

    keyword: str
    label: str  # "RUN", "ONBUILD RUN"
    args: str  # the arguments after the flags
    offset: int  # where `args` starts in `instr.args`
    flags: dict[str, str]
    words: tuple[str, ...]  # the operands after the flags, unquoted


def _unwrap(instr: Instruction, esc: str) -> Step | None:
    if instr.keyword in ("RUN", "ADD"):
        return Step(instr.keyword, instr.keyword, instr.args, 0, dict(instr.flags), instr.words)
    if instr.keyword != "ONBUILD" or not instr.words or not instr.word_offsets:
        return None
    words, offsets = instr.words, instr.word_offsets
    keyword = words[0].upper()
    if keyword not in ("RUN", "ADD"):
        return None
    flags: dict[str, str] = {}
    k = 1
    while k < len(words) and words[k].startswith("--"):
        name, _, value = words[k][2:].partition("=")
        flags[name] = value
        k += 1
    offset = offsets[k][0] if k < len(offsets) else len(instr.args)
    return Step(keyword, f"ONBUILD {keyword}", instr.args[offset:], offset, flags, words[k:])


# -- ADD -------------------------------------------------------------------------------------------

def _add(instr: Instruction, step: Step, doc: Dockerfile, ctx: Context) -> Iterator[Finding]:
    if step.flags.get("checksum"):
        return  # BuildKit verifies the download (or, for git, the commit) against it
    for src in step.words[:-1]:
        # Never print credentials embedded in a URL, in the message or in the source line shown.
        shown = _USERINFO.sub(r"\1****@", src)
        userinfo = _USERINFO.search(src)
        secret = (userinfo.group(0)[3:-1].partition(":")[2] or None) if userinfo else None
        if len(shown) > 100:
            shown = shown[:99] + "…"
        if _GIT.search(src):
            if _COMMIT.search(src):
                continue  # pinned to a full commit hash: the content cannot change
            yield ctx.report(instr.span, f"{step.label} fetches the git repository {shown} without pinning a commit: "
                             "its branch or tag can move; pin a full commit hash (#<sha>) or use --checksum",
                             object=_stage(doc, instr), key=f"ADD git {shown}", secret=secret)
        elif _HTTP.search(src):
            yield ctx.report(instr.span, f"{step.label} downloads {shown} without --checksum: whatever the "
                             "server returns goes into the image; add --checksum=sha256:…",
                             object=_stage(doc, instr), key=f"ADD {shown}", secret=secret)


# -- RUN -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    what: str  # "pipes a download (curl) into sh, which runs it unverified"
    key: str  # stable text for the fingerprint
    span: Span


# Maps an offset of a script to where it is written in the file.
Locator = Callable[[int, int], Span]


def _run_hits(instr: Instruction, step: Step, doc: Dockerfile) -> list[Hit]:
    hits: list[Hit] = []
    fallback: Locator = lambda start, end: instr.span  # noqa: E731
    args = step.args
    if args.lstrip().startswith("["):
        script = _exec_form_script(args)
        if script is not None:
            hits.extend(_script_hits(script, fallback))
    else:
        hits.extend(_script_hits(args, _args_locator(instr, step.offset, doc) or fallback))
    if _heredocs_are_scripts(args, instr.heredocs):
        for body, locate in _heredocs(instr, doc):
            hits.extend(_script_hits(body, locate or fallback))
    return hits


def _heredocs_are_scripts(args: str, bodies: tuple[str, ...]) -> bool:
    """`RUN <<EOF` and `RUN bash <<EOF` run their bodies as shell; `RUN cat <<EOF > file` writes
    data, and a body with a non-shell `#!` line is another language."""
    if not bodies:
        return False
    pipelines = _pipelines(args)
    first = pipelines[0][0].words if pipelines and pipelines[0] else []
    name, _ = _command(first)
    runs_body = bool(first) and first[0].text.startswith("<<") or name in SHELLS
    shebang = bodies[0].split("\n", 1)[0]
    if shebang.startswith("#!") and not any(_basename(w) in SHELLS for w in shebang[2:].split()):
        return False
    return runs_body


def _exec_form_script(args: str) -> str | None:
    """`["sh", "-c", "curl … | sh"]` -> the script; other exec forms -> the words as a command."""
    try:
        words = json.loads(args)
    except ValueError:
        return None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words) or not words:
        return None
    if len(words) >= 3 and _basename(words[0]) in SHELLS and words[1].startswith("-") \
            and not words[1].startswith("--") and "c" in words[1]:
        return words[2]
    if len(words) >= 3 and _basename(words[0]) in POWERSHELLS and _powershell_command_flag(words[1]):
        return " ".join(words[2:])
    return " ".join(words)


def _script_hits(script: str, locate: Locator, depth: int = 0) -> list[Hit]:
    hits: list[Hit] = []
    for pipeline in _pipelines(script):
        downloader: str | None = None
        for cmd in pipeline:
            name, rest = _command(cmd.words)
            if name is None:
                continue
            if downloader is not None and cmd.pipe is not None and _reads_stdin_as_code(name, rest):
                hits.append(Hit(f"pipes a download ({downloader}) into {name}, which runs it unverified", f"{downloader} | {name}",
                                locate(cmd.pipe, cmd.end)))
                downloader = None  # one finding per pipeline
            elif name in DOWNLOADERS:
                downloader = name
            elif downloader is None:
                # `echo "$(curl …)" | sh` feeds a download into the pipe just the same.
                downloader = next(filter(None, (_substituted_download(w.text) for w in rest)), None)
            code = _code_argument(name, rest)
            if code is None:
                continue
            sub = _substituted_download(code.text)
            if sub is not None:
                hits.append(Hit(f"runs downloaded code unverified: {_clip(script[cmd.start:cmd.end])}", f"{name} {sub}",
                                locate(cmd.start, cmd.end)))
            elif name in EVALUATORS and _DOWNLOAD_STRING.search(script[cmd.start:cmd.end]):
                # PowerShell: `iex ((New-Object Net.WebClient).DownloadString('https://…'))`
                hits.append(Hit(f"runs downloaded code unverified: {_clip(script[cmd.start:cmd.end])}", f"{name} download",
                                locate(cmd.start, cmd.end)))
            elif (name in SHELLS or name in POWERSHELLS) and code.flag and depth < 3:
                # `sh -c 'curl … | sh'`: the quoted script is shell code too.
                inner = _script_hits(code.text, lambda s, e, w=code: locate(w.start, w.end), depth + 1)
                hits.extend(inner)
    return hits


def _reads_stdin_as_code(name: str, args: list[Word]) -> bool:
    """`sh`, `bash -s -- -y`, `python3 -`, `sudo -E bash`: the program text comes from stdin.
    `sh -c '…'`, `python3 -c '…'`, `bash script.sh` read their code elsewhere."""
    if name in ("iex", "invoke-expression"):
        return True
    if name in ("source", "."):
        return bool(args) and args[0].text == "/dev/stdin"
    if name not in SHELLS and not INTERPRETERS.match(name):
        return False
    code_flags = "c" if name in SHELLS else "cemrnp"
    stdin_flag = False
    i = 0
    while i < len(args) and args[i].text.startswith(("-", "+")) and args[i].text not in ("-", "--"):
        word = args[i].text
        i += 1
        if word.startswith("--"):
            continue  # long options (`--norc`, `--login`) change nothing here
        letters = word[1:]
        if any(ch in code_flags for ch in letters):
            return False  # `-c '…'`: the code is that argument, stdin is only data
        stdin_flag = stdin_flag or (name in SHELLS and "s" in letters)
        if name in SHELLS and letters.endswith("o"):
            i += 1  # `-o pipefail`: skip the option's value
    operands = [w.text for w in args[i:]]
    if operands[:1] == ["--"]:
        return stdin_flag or len(operands) == 1
    return stdin_flag or not operands or operands[0] in ("-", "/dev/stdin")


@dataclass(frozen=True)
class Code:
    text: str
    start: int
    end: int
    flag: bool  # given with `-c`/`-e` rather than as the first operand


def _code_argument(name: str, args: list[Word]) -> Code | None:
    """The argument a shell, interpreter or `eval` takes as code: the value of `-c`/`-e`, or
    the first operand (`bash <(curl …)`, `eval "$(curl …)"`)."""
    if name in POWERSHELLS:
        for i, word in enumerate(args[:-1]):
            if _powershell_command_flag(word.text):
                nxt = args[i + 1]
                return Code(nxt.text, nxt.start, nxt.end, True)
        return None
    if name not in SHELLS and name not in EVALUATORS and not INTERPRETERS.match(name):
        return None
    code_flags = "c" if name in SHELLS else "ce"
    for i, word in enumerate(args):
        text = word.text
        if text.startswith("-") and not text.startswith("--") and len(text) > 1 and name not in EVALUATORS:
            if any(ch in code_flags for ch in text[1:]):
                if i + 1 < len(args):
                    nxt = args[i + 1]
                    return Code(nxt.text, nxt.start, nxt.end, True)
                return None
            continue
        if text.startswith("--"):
            continue
        return Code(text, word.start, word.end, False)
    return None


def _powershell_command_flag(word: str) -> bool:
    """`-Command`, `-c`, `/c` or any prefix PowerShell accepts for it (`-com`), any case."""
    low = word.lower()
    return low[:1] in ("-", "/") and len(low) > 1 and "command".startswith(low[1:])


def _substituted_download(text: str) -> str | None:
    """`$(curl …)`, `` `wget -O- …` ``, `<(curl …)` -> the downloader's name."""
    m = _SUBSTITUTION.match(text)
    if m is None:
        return None
    inner = text[m.end():].rstrip(")`").strip()
    for pipeline in _pipelines(inner):
        for cmd in pipeline:
            name, _ = _command(cmd.words)
            if name in DOWNLOADERS:
                return name
    return None


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- shell words -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str  # quotes removed
    start: int
    end: int


@dataclass
class Cmd:
    words: list[Word]
    start: int
    end: int
    pipe: int | None  # offset of the `|` that feeds this command, if any


def _pipelines(script: str) -> list[list[Cmd]]:
    """Split shell text into pipelines of simple commands, honouring quotes, escapes, comments
    and `$( … )`/`<( … )`/backtick groups (which stay inside one word)."""
    pipelines: list[list[Cmd]] = []
    current: list[Cmd] = []
    words: list[Word] = []
    pipe: int | None = None
    word_start: int | None = None
    chars: list[str] = []
    quote = ""
    depth = 0
    backtick = False
    i, n = 0, len(script)

    def end_word(at: int) -> None:
        nonlocal word_start, chars
        if word_start is not None:
            words.append(Word("".join(chars), word_start, at))
        word_start, chars = None, []

    def end_command(at: int, next_pipe: int | None) -> None:
        nonlocal words, pipe, current
        end_word(at)
        if words:
            current.append(Cmd(words, words[0].start, words[-1].end, pipe))
        words = []
        pipe = next_pipe
        if next_pipe is None and current:
            pipelines.append(current)
            current = []

    while i < n:
        ch = script[i]
        if word_start is None and not quote and depth == 0 and not backtick and ch in " \t\r":
            i += 1
            continue
        if word_start is None and not quote and depth == 0 and not backtick and ch == "#":
            while i < n and script[i] != "\n":
                i += 1  # a comment runs to the end of the line
            continue
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                chars.append(ch)
            i += 1
            continue
        if ch == "\\" and i + 1 < n:
            if script[i + 1] == "\n":
                i += 2  # a line continuation joins the lines
                continue
            if word_start is None:
                word_start = i
            chars.append(script[i + 1])
            i += 2
            continue
        if quote == '"':
            if ch == '"' and depth == 0 and not backtick:
                quote = ""
            else:
                chars.append(ch)
                depth, backtick = _nesting(script, i, depth, backtick)
            i += 1
            continue
        if depth > 0 or backtick:
            chars.append(ch)
            if ch in "'\"" and depth > 0:
                # A quoted part inside `$( … )`: copy it whole so its parentheses do not count.
                close = script.find(ch, i + 1)
                close = n - 1 if close < 0 else close
                chars.append(script[i + 1:close + 1])
                i = close + 1
                continue
            depth, backtick = _nesting(script, i, depth, backtick)
            i += 1
            continue
        # Outside any quote or group.
        if ch in " \t\r":
            end_word(i)
            i += 1
            continue
        if ch == "\n" and pipe is not None and not words and word_start is None:
            i += 1  # `curl … |` at the end of a line: the pipeline goes on on the next one
            continue
        if ch == "\n" or ch == ";":
            end_command(i, None)
            i += 1
            continue
        if ch == "&" and not (chars and chars[-1] in "><") and script[i + 1:i + 2] != ">":
            end_command(i, None)
            i += 2 if script[i + 1:i + 2] == "&" else 1
            continue
        if ch == "|" and not (chars and chars[-1] == ">"):
            if script[i + 1:i + 2] == "|":
                end_command(i, None)
                i += 2
                continue
            end_command(i, i)
            i += 2 if script[i + 1:i + 2] == "&" else 1
            continue
        if ch in "()" and not (chars and chars[-1] in "$<>"):
            # A subshell's parentheses group commands; they are not part of any word.
            end_word(i)
            i += 1
            continue
        if word_start is None:
            word_start = i
        if ch in "'\"":
            quote = ch
            i += 1
            continue
        chars.append(ch)
        depth, backtick = _nesting(script, i, depth, backtick)
        i += 1
    end_command(n, None)
    return pipelines


def _nesting(script: str, i: int, depth: int, backtick: bool) -> tuple[int, bool]:
    """Update the `$( … )` depth and backtick state after reading `script[i]`."""
    ch = script[i]
    if ch == "(" and (depth > 0 or (i > 0 and script[i - 1] in "$<>")):
        return depth + 1, backtick
    if ch == ")" and depth > 0:
        return depth - 1, backtick
    if ch == "`":
        return depth, not backtick
    return depth, backtick


def _command(words: list[Word]) -> tuple[str | None, list[Word]]:
    """(the program a simple command runs, lower-cased basename; its arguments), looking past
    `VAR=value`, `sudo -E`, `env -i`, `time`, `exec`, `busybox`…"""
    i = 0
    while i < len(words):
        text = words[i].text
        if _ASSIGNMENT.match(text) or text in _PREFIXES:
            i += 1
            continue
        base = _basename(text)
        if base in _WRAPPERS:
            takes_value = _WRAPPERS[base]
            i += 1
            while i < len(words) and (words[i].text.startswith("-") or (base == "env" and _ASSIGNMENT.match(words[i].text))):
                opt = words[i].text
                i += 1
                if len(opt) == 2 and opt[1] in takes_value:
                    i += 1  # `sudo -u app`: the option's value
            continue
        return base, words[i + 1:]
    return None, []


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()


# -- where things are written -------------------------------------------------------------------------

def _args_locator(instr: Instruction, offset: int, doc: Dockerfile) -> Locator | None:
    """Map offsets of the script (`instr.args` from `offset` on) to file positions through the
    model's record of which physical line each piece of a continued instruction came from."""
    if not instr.pieces or not instr.args:
        return None
    path = doc.path

    def locate(start: int, end: int) -> Span:
        line, col = instr.position(offset + start)
        end_line, end_col = instr.position(offset + max(end, start + 1) - 1)
        end_col += 1
        if end_line != line:
            end_line, end_col = line, len(doc.lines[line - 1]) + 1 if line <= len(doc.lines) else col
        return Span(path, line, col, end_line, end_col)

    return locate


def _heredocs(instr: Instruction, doc: Dockerfile) -> Iterator[tuple[str, Locator | None]]:
    """Each heredoc body with a locator: bodies follow the instruction's last line, one after
    the other, each closed by its terminator line."""
    if not instr.heredocs:
        return
    lines = doc.lines
    next_line = instr.body_line or None
    for body in instr.heredocs:
        if next_line is None:
            yield body, None
            continue
        first = next_line
        body_lines = body.split("\n")
        starts = [0]
        for piece in body_lines[:-1]:
            starts.append(starts[-1] + len(piece) + 1)

        def locate(start: int, end: int, first: int = first, starts: list[int] = starts,
                   body_lines: list[str] = body_lines) -> Span:
            k = max(i for i, s in enumerate(starts) if s <= start)
            number = first + k
            raw = lines[number - 1] if number <= len(lines) else ""
            shift = len(raw) - len(body_lines[k]) if raw.endswith(body_lines[k]) else 0  # `<<-` tabs
            col = start - starts[k] + 1 + shift
            end_col = min(end, starts[k] + len(body_lines[k])) - starts[k] + 1 + shift
            return Span(doc.path, number, col, number, end_col)

        yield body, locate
        next_line = first + body.count("\n") + 1  # the body's lines and its terminator


def _stage(doc: Dockerfile, instr: Instruction) -> str:
    if 0 <= instr.stage_index < len(doc.stages):
        return f"stage {doc.stages[instr.stage_index].name}"
    return ""

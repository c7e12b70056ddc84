"""Runs every command of the README's code blocks, in order, as a user would type them.

Each fenced block (```) starts in a fresh shell in the workspace folder (a fresh clone's
workspace); within a block `cd DIR` carries over. `fieldkit` alone opens the app: it runs in
a tmux terminal until it has drawn its first screen, then quits with ctrl+q and must exit 0.
`fieldkit central serve ...` runs in the background, is waited for until it answers, and is
stopped at the end of the README section it appears in. Every other line runs with bash and
must exit 0.

Run as `python -m tests.support.readme README WORKSPACE HOME REPORT`: a JSON list of steps
goes to REPORT. The test runs it inside a network namespace of its own when it can (so the
README's port 8765 is free, and nothing reaches the network).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import httpx

COLUMNS, LINES = 120, 40
#: What the app's first screen says on a locked device.
LOCKED = "This device is locked"
LINE_TIMEOUT = 600.0
OPERATORS = {"&&", "||", ";", "|", "&", ";;", "(", ")", ">", "<", ">>"}


@dataclass
class Command:
    """One line of a README code block."""

    section: str
    block: int
    number: int
    text: str

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text, comments=True)

    @property
    def kind(self) -> str:
        words = self.words
        if words[:1] == ["cd"]:
            return "cd"
        if words == ["fieldkit"]:
            return "app"
        if words[:3] == ["fieldkit", "central", "serve"]:
            return "server"
        return "command"


@dataclass
class Step:
    """What running one command did."""

    section: str
    block: int
    line: int
    command: str
    kind: str
    ok: bool
    detail: str = ""
    output: str = ""


def commands(readme: str) -> list[Command]:
    """Every line of every fenced code block (with no language, or sh/bash/console), in order,
    with the `## ` section it is in. Blank lines and whole-line comments are left out."""
    found: list[Command] = []
    section, block, inside, language = "", 0, False, ""
    for number, line in enumerate(readme.splitlines(), start=1):
        if not inside and line.startswith("## "):
            section = line[3:].strip()
        fence = re.match(r"^\s*```(\S*)\s*$", line)
        if fence:
            inside, language = not inside, fence.group(1)
            if inside:
                block += 1
            continue
        if inside and language in ("", "sh", "bash", "console") and line.strip():
            if not line.lstrip().startswith("#"):
                found.append(Command(section, block, number, line.strip()))
    return found


def one_command_a_line(command: Command) -> str | None:
    """Why a line is not a single command as the runner expects it, or None."""
    lexer = shlex.shlex(command.text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    used = OPERATORS & set(lexer)
    if used:
        return f"one command a line, please (found {' '.join(sorted(used))})"
    return None


class Runner:
    """Runs the commands with their state: the current folder, the servers running."""

    def __init__(self, workspace: Path, env: dict[str, str], scratch: Path) -> None:
        self.workspace = workspace
        self.env = env
        self.scratch = scratch
        self.cwd = workspace
        self.block = 0
        #: The passphrase the README's lines last gave a device (`FIELDKIT_PASSPHRASE=...`).
        self.passphrase = ""
        self.servers: list[tuple[subprocess.Popen[bytes], IO[bytes], Path]] = []
        self.tmux_socket = f"fieldkit-readme-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def run(self, cmds: list[Command]) -> list[Step]:
        steps: list[Step] = []
        section = cmds[0].section if cmds else ""
        try:
            for command in cmds:
                if command.section != section:
                    steps.extend(self.stop_servers(section))
                    section = command.section
                if command.block != self.block:
                    self.block, self.cwd = command.block, self.workspace
                step = self.step(command)
                steps.append(step)
                if not step.ok:
                    break
        finally:
            steps.extend(self.stop_servers(section))
            self.tmux("kill-server")
        return steps

    def step(self, command: Command) -> Step:
        step = Step(command.section, command.block, command.number, command.text, command.kind,
                    ok=False)  # fmt: skip
        given = re.match(r"FIELDKIT_PASSPHRASE=(\S+) ", command.text)
        if given:
            self.passphrase = given.group(1)
        problem = one_command_a_line(command)
        if problem:
            step.detail = problem
            return step
        try:
            if command.kind == "cd":
                self.change_folder(command, step)
            elif command.kind == "app":
                self.open_app(command, step)
            elif command.kind == "server":
                self.start_server(command, step)
            else:
                self.plain(command, step)
        except subprocess.TimeoutExpired as exc:
            step.ok, step.detail = False, f"did not finish within {exc.timeout:.0f} s"
        return step

    # -- the kinds of line -------------------------------------------------------------

    def plain(self, command: Command, step: Step) -> None:
        done = subprocess.run(
            ["bash", "-c", command.text],
            cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=LINE_TIMEOUT,
        )  # fmt: skip
        step.ok = done.returncode == 0
        step.detail = f"exit {done.returncode}"
        step.output = (done.stdout[-3000:] + done.stderr[-3000:]).strip()

    def change_folder(self, command: Command, step: Step) -> None:
        done = subprocess.run(
            ["bash", "-c", f"{command.text}\npwd"],
            cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        step.ok = done.returncode == 0
        if step.ok:
            self.cwd = Path(done.stdout.strip())
        step.detail = f"now in {self.cwd}" if step.ok else done.stderr.strip()

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.tmux_socket, "-f", "/dev/null", *args],
            env=self.env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip

    def open_app(self, command: Command, step: Step, wait: float = 60.0) -> None:
        """The app in a real terminal: it must draw its first screen, then quit cleanly."""
        if shutil.which("tmux") is None:
            step.detail = "tmux is not installed: the app cannot be started in a terminal"
            return
        exit_file = self.scratch / f"app-exit-{command.number}"
        shell = (
            # COLUMNS and LINES, if inherited, would override the size the app reads from tmux
            # (a new line, not ";": the README line may end with a comment)
            f"env -u COLUMNS -u LINES TERM=xterm-256color {command.text}\n"
            f"echo $? > {shlex.quote(str(exit_file))}"
        )
        name = f"app{command.number}"
        started = self.tmux("new-session", "-d", "-s", name, "-x", str(COLUMNS), "-y",
                            str(LINES), "-c", str(self.cwd), shell)  # fmt: skip
        if started.returncode != 0:
            step.detail = f"tmux: {started.stderr.strip()}"
            return
        screen = self.unlock(name, wait)
        step.output = screen
        if "fieldkit — Home" not in screen:
            step.detail = "the app never drew its first screen (fieldkit — Home)"
            self.tmux("kill-session", "-t", name)
            return
        code = ""
        deadline = time.monotonic() + wait
        while not code and time.monotonic() < deadline:
            # A key sent while the app is still starting can be lost: send it until it quits.
            self.tmux("send-keys", "-t", name, "C-q")
            code = wait_for_file(exit_file, 2.0)
        step.ok = code == "0"
        step.detail = f"drew its first screen; quit with ctrl+q, exit {code or 'never'}"

    def unlock(self, name: str, wait: float) -> str:
        """The app's first screen: on a locked device, the passphrase the README's lines gave
        (their `FIELDKIT_PASSPHRASE=`) typed as an officer would, then Enter."""
        screen = self.wait_for_screen(name, ("fieldkit — Home", LOCKED), wait)
        if LOCKED in screen and self.passphrase:
            self.tmux("send-keys", "-t", name, "-l", self.passphrase)
            self.tmux("send-keys", "-t", name, "Enter")
            screen = self.wait_for_screen(name, ("fieldkit — Home",), wait)
        return screen

    def wait_for_screen(self, name: str, texts: tuple[str, ...], wait: float) -> str:
        deadline, screen = time.monotonic() + wait, ""
        while time.monotonic() < deadline:
            screen = self.tmux("capture-pane", "-p", "-t", name).stdout
            if any(text in screen for text in texts):
                break
            time.sleep(0.2)
        return screen

    def start_server(self, command: Command, step: Step, wait: float = 60.0) -> None:
        """The server in the background, until it answers /v1/health."""
        words = command.words
        host, port = option(words, "--host", "127.0.0.1"), int(option(words, "--port", "8765"))
        certfile = option(words, "--certfile", "")
        url = f"{'https' if certfile else 'http'}://{'127.0.0.1' if host == '0.0.0.0' else host}"
        url += f":{port}/v1/health"
        log_path = self.scratch / f"server-{command.number}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            ["bash", "-c", f"exec {command.text}\n"],
            cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        )  # fmt: skip
        self.servers.append((proc, log, log_path))
        verify: Any = str(self.cwd / certfile) if certfile else True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                step.detail = f"the server exited ({proc.returncode})"
                step.output = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                return
            try:
                if httpx.get(url, timeout=1.0, verify=verify).status_code == 200:
                    step.ok, step.detail = True, f"serving, {url} answers"
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        step.detail = f"the server did not answer {url} within {wait:.0f} s"

    def stop_servers(self, section: str) -> list[Step]:
        steps = []
        for proc, log, log_path in self.servers:
            proc.terminate()
            try:
                proc.wait(timeout=15)
                ok = True
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                ok = False
            log.close()
            steps.append(
                Step(section, self.block, 0, "(stop the server)", "stop", ok,
                     f"exit {proc.returncode}" if ok else "did not stop on SIGTERM",
                     log_path.read_text(encoding="utf-8", errors="replace")[-2000:])
            )  # fmt: skip
        self.servers.clear()
        return steps


def option(words: list[str], name: str, default: str) -> str:
    """The value of `--name VALUE` or `--name=VALUE` in a command's words."""
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return default


def wait_for_file(path: Path, wait: float) -> str:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text(encoding="utf-8").strip():
            return path.read_text(encoding="utf-8").strip()
        time.sleep(0.1)
    return ""


def loopback_up() -> None:
    """In a new network namespace the loopback is down: bring it up (no-op elsewhere)."""
    if shutil.which("ip"):
        subprocess.run(["ip", "link", "set", "lo", "up"], capture_output=True, timeout=10)


def main(argv: list[str]) -> int:
    readme, workspace, home, report = (Path(a) for a in argv)
    loopback_up()
    scratch = home.parent / "runner"
    scratch.mkdir(parents=True, exist_ok=True)
    env = json.loads(os.environ.get("README_RUNNER_ENV", "{}")) or dict(os.environ)
    steps = Runner(workspace, env, scratch).run(commands(readme.read_text(encoding="utf-8")))
    report.write_text(json.dumps([asdict(s) for s in steps], indent=1), encoding="utf-8")
    return 0 if steps and all(s.ok for s in steps) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

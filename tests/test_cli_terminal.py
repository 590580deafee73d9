"""What a person at a terminal sees: colour (NO_COLOR, FORCE_COLOR), the progress line,
and why a scan read nothing. Terminals are real pseudo-terminals (the pty module)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "fixtures/demo/orders-service.yaml")
RED = "\033[31m"
ERASE = "\r\033[K"


def environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env["TERM"] = "xterm-256color"
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def run_on_pty(args: list[str], stream: str, cwd: Path = ROOT,
               **env: str | None) -> tuple[str, str, int]:
    """Run ``cwlint`` with ``stream`` (stdout or stderr) on a pseudo-terminal and the
    other on a pipe; return (what the terminal showed, what the pipe got, exit code)."""
    master, slave = pty.openpty()
    os.set_blocking(master, True)
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: slave}
    process = subprocess.Popen([sys.executable, "-m", "cwlint", *args], cwd=cwd,
                               env=environment(**env), stdin=subprocess.DEVNULL, **streams)
    os.close(slave)
    other = process.stderr if stream == "stdout" else process.stdout
    assert other is not None
    shown, piped = bytearray(), bytearray()
    open_fds = {master, other.fileno()}
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [])
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                data = b""
            if not data:
                open_fds.discard(fd)
            elif fd == master:
                shown += data
            else:
                piped += data
    os.close(master)
    code = process.wait()
    other.close()
    return shown.decode(), piped.decode(), code


def plain(args: list[str], **env: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwlint", *args], cwd=ROOT,
                          env=environment(**env), capture_output=True, text=True,
                          check=False)


# --- colour ------------------------------------------------------------------------


def test_colour_on_a_terminal() -> None:
    shown, _, code = run_on_pty(["scan", DEMO], "stdout")
    assert code == 1
    assert f"{RED}error" in shown


def test_no_color_turns_it_off_on_a_terminal() -> None:
    shown, _, _ = run_on_pty(["scan", DEMO], "stdout", NO_COLOR="1")
    assert "CWL003 error:" in shown
    assert "\033[" not in shown


def test_empty_no_color_is_not_set() -> None:
    shown, _, _ = run_on_pty(["scan", DEMO], "stdout", NO_COLOR="")
    assert f"{RED}error" in shown


def test_force_color_colours_a_pipe() -> None:
    assert f"{RED}error" in plain(["scan", DEMO], FORCE_COLOR="1").stdout
    assert f"{RED}error" in plain(["scan", DEMO], FORCE_COLOR="0").stdout  # any value
    assert "\033[" not in plain(["scan", DEMO], FORCE_COLOR="").stdout
    assert "\033[" not in plain(["scan", DEMO]).stdout


def test_no_color_wins_over_force_color() -> None:
    assert "\033[" not in plain(["scan", DEMO], FORCE_COLOR="1", NO_COLOR="1").stdout


def test_dumb_terminal_and_report_files_get_no_colour(tmp_path: Path) -> None:
    shown, _, _ = run_on_pty(["scan", DEMO], "stdout", TERM="dumb")
    assert "CWL003 error:" in shown and "\033[" not in shown
    report = tmp_path / "report.txt"
    plain(["scan", DEMO, "--output", str(report)], FORCE_COLOR="1")
    assert "CWL003 error:" in report.read_text() and "\033[" not in report.read_text()


# --- progress ----------------------------------------------------------------------


def many_inputs(tmp_path: Path) -> Path:
    """A tree that takes cwlint well over a second to scan in one process: every rule
    scenario, the CloudFormation feature fixtures and the gate's (whose suppressions warn
    after the scan), three times."""
    tree = tmp_path / "tree"
    for copy in range(3):
        for rule in sorted(ROOT.glob("fixtures/cwl[0-9]*")):
            shutil.copytree(rule, tree / f"{rule.name}-{copy}")
        shutil.copytree(ROOT / "fixtures/cfn", tree / f"cfn{copy}")
        shutil.copytree(ROOT / "fixtures/gate", tree / f"gate{copy}")
    return tree


def test_progress_line_on_a_terminal_for_a_long_scan(tmp_path: Path) -> None:
    tree = many_inputs(tmp_path)
    shown, report, _ = run_on_pty(["scan", "tree", "--jobs", "1", "--fail-on", "never"],
                                  "stderr", cwd=tmp_path)
    frames = [f for f in shown.split(ERASE) if f.startswith("cwlint: ") and " inputs · " in f]
    assert frames, shown
    total = int(frames[0].split("/")[1].split()[0])
    assert total > 100
    for frame in frames:
        done = int(frame.split("cwlint: ")[1].split("/")[0])
        assert 0 <= done <= total
        current = frame.split(" inputs · ")[1]
        assert current.startswith(("tree/", "…")) and len(frame) <= 79  # cut from the left
    erased = shown.index(ERASE, shown.rindex(" inputs · "))  # the line is erased at the end,
    assert "cwlint: warning:" in shown[erased:]  # before the warnings that follow the scan
    assert "cwlint: warning:" not in shown[:erased]
    assert (tree / "cfn0").exists() and "files scanned" in report  # the report is intact
    assert "inputs ·" not in report


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    many_inputs(tmp_path)
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "tree", "--jobs", "1",
                             "--fail-on", "never"], cwd=tmp_path, env=environment(),
                            capture_output=True, text=True, check=False)
    assert "inputs ·" not in result.stderr and "\r" not in result.stderr
    assert "files scanned" in result.stdout


def test_no_progress_for_a_short_scan() -> None:
    shown, _, _ = run_on_pty(["scan", DEMO], "stderr")
    assert "inputs ·" not in shown


# --- nothing to read ---------------------------------------------------------------


def test_empty_directory_says_nothing_was_found(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("just: yaml\n")
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert ("cwlint: warning: no CloudFormation or SAM template, Terraform module or "
            f"Terraform plan found in {tmp_path}") in result.stderr
    assert "0 files scanned" in result.stdout


def test_a_scan_that_read_something_does_not_warn() -> None:
    assert "found in" not in plain(["scan", DEMO]).stderr


def test_explicitly_named_but_excluded_says_why(tmp_path: Path) -> None:
    (tmp_path / ".cwlint.yaml").write_text('exclude: ["legacy/**", "*.generated.yaml"]\n')
    (tmp_path / "legacy").mkdir()
    shutil.copy(DEMO, tmp_path / "legacy" / "old.yaml")
    shutil.copy(DEMO, tmp_path / "stack.generated.yaml")
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "legacy/old.yaml",
                             "stack.generated.yaml", "legacy"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert ("cwlint: warning: legacy/old.yaml: not scanned: excluded by the pattern "
            "'legacy/**' of exclude in .cwlint.yaml") in result.stderr
    assert ("cwlint: warning: stack.generated.yaml: not scanned: excluded by the pattern "
            "'*.generated.yaml' of exclude in .cwlint.yaml") in result.stderr
    assert "cwlint: warning: legacy: not scanned" in result.stderr
    assert "found in legacy/old.yaml stack.generated.yaml legacy" in result.stderr

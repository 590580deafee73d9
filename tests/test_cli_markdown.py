"""``--format markdown``: rendered by cmark-gfm (GitHub's own Markdown renderer), the
report is a table of the findings with links to the rule pages, and a fix per finding."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options

from cwlint.engine import ScanResult
from cwlint.findings import Finding
from cwlint.report import markdown_report
from cwlint.rules import DOCUMENTED_BY_ID

ROOT = Path(__file__).resolve().parent.parent
DEMO = "fixtures/demo/orders-service.yaml"
CLEAN = "fixtures/cwl001/pass-env-namespace/template.yaml"


def cwlint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwlint", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)


class Page(HTMLParser):
    """The table cells, links and <details> blocks of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.details: list[str] = []
        self.summaries: list[str] = []
        self._cell: list[str] | None = None
        self._details: list[str] | None = None
        self._summary: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        elif tag == "details":
            self._details = []
        elif tag == "summary":
            self._summary = []
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "details" and self._details is not None:
            self.details.append("".join(self._details).strip())
            self._details = None
        elif tag == "summary" and self._summary is not None:
            self.summaries.append("".join(self._summary).strip())
            self._summary = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._details, self._summary):
            if part is not None:
                part.append(data)


def rendered(markdown: str) -> Page:
    # GitHub renders raw HTML such as <details>; cmark-gfm needs UNSAFE to keep it
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    page = Page()
    page.feed(html)
    return page


def test_demo_report_structure_and_links() -> None:
    markdown = cwlint("scan", "--format", "markdown", DEMO)
    assert markdown.returncode == 1  # the exit code is the scan's, whatever the format
    findings = json.loads(cwlint("scan", "--format", "json", DEMO).stdout)["findings"]
    text = markdown.stdout
    assert text.startswith("### cwlint\n\n1 file scanned: 5 errors, 0 warnings, 0 info, "
                           "0 unreadable inputs\n")
    page = rendered(text)
    header, *rows = page.rows
    assert header == ["#", "Severity", "Rule", "Location", "Resource", "Message"]
    assert len(rows) == len(findings) == 5
    for number, (row, finding) in enumerate(zip(rows, findings, strict=True), start=1):
        rule = DOCUMENTED_BY_ID[finding["rule_id"]]
        assert row == [str(number), f"🔴 {finding['severity']}", f"{rule.id} {rule.name}",
                       f"{finding['file']}:{finding['line']}", finding["resource"],
                       finding["message"]]
    assert page.links == [DOCUMENTED_BY_ID[f["rule_id"]].help_uri() for f in findings]
    # each fix, folded, shown as cwlint wrote it, line for line (Markdown puts a blank
    # line between a sentence and the code block under it)
    assert any("\n" in f["fix"] for f in findings)  # code blocks are among them
    assert [_lines(d) for d in page.details] == [
        _lines(f"{n}. {f['rule_id']} on {f['resource']} ({f['file']}:{f['line']})\n{f['fix']}")
        for n, f in enumerate(findings, start=1)]
    assert page.summaries == [f"{n}. {f['rule_id']} on {f['resource']} "
                              f"({f['file']}:{f['line']})"
                              for n, f in enumerate(findings, start=1)]


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def test_fix_code_is_a_code_block() -> None:
    """A fix's code keeps its indentation: it is in a <pre> block, not a paragraph."""
    html = cmarkgfm.github_flavored_markdown_to_html(
        markdown_report.fix_body("Add a policy:\n  Res:\n    Type: AWS::IAM::Policy\nOr not"),
        options=Options.CMARK_OPT_UNSAFE)
    assert "<pre><code>  Res:\n    Type: AWS::IAM::Policy\n</code></pre>" in html
    assert "<p>Add a policy:</p>" in html and "<p>Or not</p>" in html


def test_deterministic() -> None:
    first = cwlint("scan", "--format", "markdown", DEMO, "fixtures/cwl003").stdout
    assert first == cwlint("scan", "--format", "markdown", "fixtures/cwl003",
                           DEMO).stdout


def test_pipes_backticks_and_html_cannot_break_out() -> None:
    hostile = "a | b `code` <img src=x> *star* [link](http://x) _u_ ~s~ \\ end\nnext"
    finding = Finding("CWL001", "error", hostile, "/dir|x/`t`.yaml", 3, "Res|`x`",
                      fix=f"fix {hostile}")
    markdown = markdown_report.render(ScanResult(findings=[finding], files=1), root="/")
    table_line = next(line for line in markdown.splitlines() if line.startswith("| 1 |"))
    assert "`" not in table_line.replace("\\`", "")
    assert len(re.findall(r"(?<!\\)\|", table_line)) == 7  # six cells, no more
    page = rendered(markdown)
    row = page.rows[1]
    assert row[3:] == ["dir|x/`t`.yaml:3", "Res|`x`", hostile]
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    assert page.links[0] == DOCUMENTED_BY_ID["CWL001"].help_uri()
    assert ">link</a>" not in html  # GitHub's autolinks show a bare URL as itself, no more
    assert "<img" not in html and "<code>" not in html and "<em>" not in html
    assert page.details == [f"1. CWL001 on Res|`x` (dir|x/`t`.yaml:3)\nfix {hostile}"]


def test_no_findings_and_unreadable_inputs() -> None:
    clean = cwlint("scan", "--format", "markdown", CLEAN)
    assert clean.returncode == 0
    assert "No findings." in clean.stdout and "| # |" not in clean.stdout
    broken = cwlint("scan", "--format", "markdown", "fixtures/cfn/loader/bad_syntax.json")
    assert broken.returncode == 2
    assert "#### Inputs that could not be read" in broken.stdout
    assert "- fixtures/cfn/loader/bad\\_syntax.json" in broken.stdout


def test_long_reports_fit_a_pull_request_comment() -> None:
    findings = [Finding("CWL004", "error", "m" * 400, f"/t{n:05}.yaml", 1, "R", fix="f" * 300)
                for n in range(500)]
    markdown = markdown_report.render(ScanResult(findings=findings, files=500), root="/")
    assert len(markdown) < 65_536
    shown = len(rendered(markdown).rows) - 1
    assert 0 < shown < 500
    assert f"{500 - shown} more findings not listed here" in markdown

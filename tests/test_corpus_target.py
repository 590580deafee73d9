"""``make corpus`` (scripts/corpus.py): the robustness run over the shared corpus.

The script runs on a small corpus built here with the same layout (``cfn/``, ``plan/``,
``tf/``),
so the test is quick and does not need ``../shared``; the real corpus run is
``make corpus`` itself. The script runs the real ``cwlint`` command.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "corpus.py"
FIXTURES = ROOT / "fixtures"
CWL001_TEMPLATES = sorted(FIXTURES.glob("cwl001/*/template.yaml"))


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def small_corpus(root: Path) -> Path:
    """cfn/ with templates, one unreadable template and one YAML file that is not a
    template; plan/ with a plan and a JSON file that is not one."""
    corpus = root / "corpus"
    cfn, plan = corpus / "cfn" / "owner__repo", corpus / "plan" / "owner__repo"
    (cfn / "cwl001").mkdir(parents=True)
    for template in CWL001_TEMPLATES:
        shutil.copy(template, cfn / "cwl001" / f"{template.parent.name}.yaml")
    shutil.copy(FIXTURES / "demo" / "orders-service.yaml", cfn / "orders-service.yaml")
    (cfn / "broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
                                     "  Role: {Type: AWS::IAM::Role\n", encoding="utf-8")
    (cfn / "chart.yaml").write_text("apiVersion: v2\nname: not-a-template\n", encoding="utf-8")
    plan.mkdir(parents=True)
    shutil.copy(FIXTURES / "cwl001" / "fail-env-namespace" / "plan.json", plan / "plan.json")
    (plan / "package.json").write_text('{"name": "not-a-plan"}\n', encoding="utf-8")
    return corpus


def test_a_clean_corpus_run_prints_the_summary(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    result = run_script("--corpus", str(corpus), "--jobs", "1", "--no-ledger")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"cwlint corpus run over {corpus.resolve()}" in out
    templates = len(CWL001_TEMPLATES)
    # every template, the broken one and the plan; the chart and package.json are skipped
    assert f"look like templates or plans; cwlint analysed {templates + 2}, 1 unreadable" in out
    assert "findings: " in out and "CWL001 " in out
    assert "errors:   1: invalid YAML (1)" in out
    assert "time:     scan (json)" in out
    assert out.rstrip().endswith("every unreadable file reported as a clean error")


def test_terraform_modules_of_the_corpus_are_scanned(tmp_path: Path) -> None:
    """tf/: a root module that calls a local module (analysed through it), and a module
    with a syntax error (a clean error, which terraform fmt refuses too where it runs)."""
    repo = tmp_path / "corpus" / "tf" / "owner__repo"
    shutil.copytree(FIXTURES / "terraform" / "module-local-app" / "terraform", repo / "app")
    shutil.copytree(FIXTURES / "terraform" / "errors" / "bad-hcl", repo / "broken")
    result = run_script("--corpus", str(tmp_path / "corpus"), "--jobs", "1", "--no-ledger")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "terraform: 3 module directories" in result.stdout
    assert "CWL001 1" in result.stdout and "errors:   1: unexpected" in result.stdout
    if shutil.which("terraform"):
        assert "1 refused .tf files checked with terraform fmt" in result.stdout


def test_a_template_cwlint_drops_silently_fails_the_run(tmp_path: Path) -> None:
    """An ``exclude`` in a configuration found above the corpus makes cwlint skip a
    template: the run must notice that the file was neither analysed nor reported."""
    corpus = small_corpus(tmp_path)
    (corpus / ".cwlint.yaml").write_text("exclude: [orders-service.yaml]\n", encoding="utf-8")
    result = run_script("--corpus", str(corpus), "--no-ledger")
    assert result.returncode == 1
    assert "FAILED: 1 problem(s)" in result.stdout
    assert "orders-service.yaml: looks like a template or plan but was neither analysed " \
           "nor reported as an error" in result.stdout


def test_a_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = run_script("--corpus", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no cfn, plan or tf directory under" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_makefile_runs_the_script_over_the_shared_corpus() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ncorpus: install\n\t$(BIN)/python scripts/corpus.py $(CORPUS_ARGS)\n" in makefile
    assert "fuzz: $(FUZZ_STAMP)" in makefile
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "fuzz" not in test_target


def ledger_rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def review(path: Path, verdict: str) -> None:
    """What a reviewer does: every row gets ``verdict`` and a reason."""
    lines = path.read_text(encoding="utf-8").splitlines()
    reviewed = [lines[0]] + ["\t".join([*line.split("\t")[:4], verdict, "checked by hand"])
                             for line in lines[1:]]
    path.write_text("\n".join(reviewed) + "\n", encoding="utf-8")


def test_the_ledger_fails_on_new_findings_until_they_are_reviewed(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    ledger = tmp_path / "ledger.tsv"
    first = run_script("--corpus", str(corpus), "--ledger", str(ledger))
    assert first.returncode == 1
    assert "(+ not in the ledger" in first.stdout
    assert "  + cfn/owner__repo/cwl001/" in first.stdout
    assert not ledger.exists()

    update = run_script("--corpus", str(corpus), "--ledger", str(ledger), "--update-ledger")
    assert update.returncode == 1, "unreviewed rows still fail"
    rows = ledger_rows(ledger)
    assert rows and all(row[4] == "unreviewed" for row in rows)
    assert all(row[0].startswith(("cfn/", "plan/")) and row[3] in ("error", "warning")
               for row in rows)
    assert {row[1] for row in rows} >= {"CWL001"}
    assert all(row[5].startswith("cwlint: ") for row in rows)
    assert "  ? cfn/owner__repo/" in update.stdout

    review(ledger, "true")
    reviewed = run_script("--corpus", str(corpus), "--ledger", str(ledger))
    assert reviewed.returncode == 0, reviewed.stdout
    assert f"errors and warnings, {len(rows)} in the ledger" in reviewed.stdout
    assert "CWL001 error: true " in reviewed.stdout


def test_a_finding_marked_false_fails_and_a_vanished_true_one_fails(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    ledger = tmp_path / "ledger.tsv"
    run_script("--corpus", str(corpus), "--ledger", str(ledger), "--update-ledger")
    review(ledger, "false")
    marked_false = run_script("--corpus", str(corpus), "--ledger", str(ledger))
    assert marked_false.returncode == 1
    assert "  ! cfn/owner__repo/" in marked_false.stdout
    assert "(false: checked by hand)" in marked_false.stdout

    review(ledger, "true")
    victim = ledger_rows(ledger)[0][0]
    (corpus / victim).unlink()
    vanished = run_script("--corpus", str(corpus), "--ledger", str(ledger))
    assert vanished.returncode == 1
    assert f"  - {victim}  " in vanished.stdout
    assert "marked true but no longer reported" in vanished.stdout


def test_rows_of_parts_the_run_did_not_scan_are_left_alone(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    ledger = tmp_path / "ledger.tsv"
    run_script("--corpus", str(corpus), "--ledger", str(ledger), "--update-ledger")
    review(ledger, "true")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("tf/owner__repo/main.tf\tCWL004\taws_lambda_function.x\terror\ttrue"
                     "\tthe role has no logs action\n")
    result = run_script("--corpus", str(corpus), "--ledger", str(ledger))
    assert result.returncode == 0, result.stdout


def test_a_malformed_ledger_is_named_with_its_line(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    ledger = tmp_path / "ledger.tsv"
    ledger.write_text("path\trule\tresource\tseverity\tverdict\treason\n"
                      "cfn/x.yaml\tCWL001\tF\terror\tmaybe\twho knows\n", encoding="utf-8")
    result = run_script("--corpus", str(corpus), "--ledger", str(ledger))
    assert result.returncode == 1
    assert f"ledger: {ledger}:2: verdict 'maybe' is not one of true, false, unreviewed" \
        in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

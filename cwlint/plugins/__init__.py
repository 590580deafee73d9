"""Adapters that run the cwlint engine inside other tools (docs/architecture.md).

* :mod:`cwlint.plugins.cfn_lint_rules`: cfn-lint rule classes, one per cwlint rule (ECW001
  for CWL001), loaded by ``cfn-lint --append-rules=cwlint.plugins.cfn_lint_rules`` (module
  mode) or through ``checks/cfn_lint/`` (directory mode).
* :mod:`cwlint.plugins.checkov_checks`: checkov checks, one per cwlint rule and framework
  (CKV_CWL_001), instantiated by the small modules in ``checks/checkov/``; the decisions
  that need no checkov (locating the file, the verdict) are in
  :mod:`cwlint.plugins.checkov_support`.
* :mod:`cwlint.plugins.cache`: the per-template / per-file memo both adapters share, so
  the engine runs once per template however many rules the host tool asks about it.
* :mod:`cwlint.plugins.options`: the options and inline suppressions ``cwlint scan`` would
  apply to the template (its ``.cwlint.yaml`` / ``[tool.cwlint]``).
* :mod:`cwlint.plugins.paths`: where ``checks/`` lives, in a source checkout and in an
  installed wheel (``cwlint plugin-path``); :mod:`cwlint.plugins.verify` runs the real
  tool on a probe template (``cwlint plugin-path TOOL --verify``).

Adapters hold no rule logic: they call :func:`cwlint.engine.analyse_template` (cfn-lint,
on the template cfn-lint already decoded) or :func:`cwlint.engine.scan_one` (checkov,
on the file checkov is scanning) and translate :class:`~cwlint.findings.Finding` objects
into the host's result type.
"""

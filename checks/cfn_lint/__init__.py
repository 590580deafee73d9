"""cwlint's rules for ``cfn-lint --append-rules=checks/cfn_lint`` (see ``cwlint_rules.py``).

cfn-lint skips this file (it loads ``[A-Za-z1-9]*.py``); it exists so that the directory
ships inside the wheel as ``cwlint/checks/cfn_lint`` (``cwlint plugin-path cfn-lint``).
"""

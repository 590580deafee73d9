"""cwlint's checks for ``checkov --external-checks-dir checks/checkov`` (CKV_CWL_001 ...).

checkov imports every ``*.py`` file here by its bare name, so no file may be named like
an importable package (``cwlint.py`` would shadow cwlint itself): the files are named
``ckv_cwl_*``. Each one registers the checks of one group of cwlint rules (identity,
network, logs, cross-account, alarms: every rule ``cwlint rules`` lists) through
``ckv_cwl_bootstrap``, which says loudly on stderr when cwlint cannot be imported in
checkov's environment (checkov itself would only log it and run nothing). Sanity check:
``cwlint plugin-path checkov --verify``.
"""

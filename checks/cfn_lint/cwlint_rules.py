"""cwlint's rules for ``cfn-lint --append-rules=checks/cfn_lint`` (directory mode).

cfn-lint imports every ``*.py`` file of the directory and instantiates the rule classes
it finds in it. This file only re-exports the classes of
:mod:`cwlint.plugins.cfn_lint_rules` (module mode:
``--append-rules=cwlint.plugins.cfn_lint_rules``), so both modes run the same code.

cwlint must be installed where cfn-lint runs; if it is not, cfn-lint stops with "Tried
to append rules but got an error: No module named 'cwlint'". Use ``--append-rules=DIR``
(with ``=``): ``--append-rules DIR template.yaml`` swallows the template argument.
"""

from cwlint.plugins.cfn_lint_rules import *  # noqa: F403

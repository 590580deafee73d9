"""CloudFormation and SAM front-end support: loading templates and resolving intrinsics.

:mod:`cwlint.cfn.loader` reads a YAML or JSON template with cfn-lint's own decoder (so
line numbers match what cfn-lint reports) and turns every failure into a
:class:`~cwlint.cfn.loader.TemplateError`. :mod:`cwlint.cfn.intrinsics` evaluates
intrinsic functions statically, keeping whatever cannot be known before deploy as
:class:`~cwlint.values.Unknown` / :class:`~cwlint.values.Partial`.
"""

"""CloudFormation and SAM front-end support: loading templates and resolving intrinsics.

:mod:`cwlint.cfn.loader` reads a YAML or JSON template with cfn-lint's own decoder (so
line numbers match what cfn-lint reports) and turns every failure into a
:class:`~cwlint.cfn.loader.TemplateError`. :mod:`cwlint.cfn.intrinsics` evaluates
intrinsic functions statically, keeping whatever cannot be known before deploy as
:class:`~cwlint.values.Unknown` / :class:`~cwlint.values.Partial`.
:mod:`cwlint.cfn.builder`, :mod:`cwlint.cfn.vpcs` and :mod:`cwlint.cfn.services` build
the model, in the order every front end follows (:mod:`cwlint.frontend.builder`), and
:mod:`cwlint.cfn.frontend` is the front end :mod:`cwlint.engine` calls.
"""

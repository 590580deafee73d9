"""What every front end derives alike, whatever the syntax it reads.

A front end (:mod:`cwlint.cfn`, :mod:`cwlint.terraform`) reads its syntax and hands plain
values to these modules, which build the parts of the :class:`~cwlint.model.Model` that
AWS defines the same way for every input: ARNs and default log groups
(:mod:`~cwlint.frontend.arns`), AWS managed policies (:mod:`~cwlint.frontend.policies`),
the signals of functions and instances (:mod:`~cwlint.frontend.workloads`, reading text
with :mod:`~cwlint.frontend.signals`), ECS container definitions and FireLens outputs
(:mod:`~cwlint.frontend.containers`, :mod:`~cwlint.frontend.firelens`) and public IPs
(:mod:`~cwlint.frontend.public_ip`). Every syntax builds its model in one order
(:mod:`~cwlint.frontend.builder`), and the engine calls each front end through one
protocol (:class:`~cwlint.frontend.protocol.FrontEnd`).
"""

"""What every front end derives alike, whatever the syntax it reads.

A front end (:mod:`cwlint.cfn`, :mod:`cwlint.terraform`) reads its syntax and hands plain
values to these modules, which build the parts of the :class:`~cwlint.model.Model` that
AWS defines the same way for every input: ARNs and default log groups
(:mod:`~cwlint.frontend.arns`), AWS managed policies (:mod:`~cwlint.frontend.policies`),
the signals of functions and instances (:mod:`~cwlint.frontend.workloads`), ECS container
definitions (:mod:`~cwlint.frontend.containers`) and public IPs
(:mod:`~cwlint.frontend.public_ip`). The protocol the engine calls a front end through is
:class:`~cwlint.frontend.protocol.FrontEnd`.
"""

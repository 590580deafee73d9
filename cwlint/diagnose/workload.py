"""Which kind of workload made the failed request, from what the message shows.

* ``ec2``: the session of an instance profile is named after the instance
  (``assumed-role/ROLE/i-0abc...``), or the CloudWatch agent wrote the line;
* ``lambda``: Lambda names the execution role's session after the function, so a
  session whose name is the function of the ``/aws/lambda/<name>`` log group, or a line
  from a Lambda log (``[ERROR]``, ``Invoke Error``, ``START RequestId``);
* ``ecs``: the ``awslogs`` driver's "failed to initialize logging driver" message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cwlint.diagnose.arns import FUNCTION_NAME
from cwlint.diagnose.incident import AccessDenied, Incident

EC2 = "ec2"
LAMBDA = "lambda"
ECS = "ecs"
LAMBDA_PREFIX = "/aws/lambda/"


@dataclass(frozen=True)
class Workload:
    """``kind`` ec2, lambda, ecs or None; ``name`` the instance id or function name;
    ``agent`` True when the CloudWatch agent wrote the message."""

    kind: str | None = None
    name: str | None = None
    agent: bool = False

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"type": self.kind, "name": self.name, "cloudwatch_agent": self.agent}


def infer_workload(incident: Incident) -> Workload:
    """The workload the message points at (kind None when it shows nothing)."""
    agent = "cloudwatch-agent" in incident.sources
    if not isinstance(incident, AccessDenied):
        if incident.instance_id:
            return Workload(EC2, incident.instance_id, agent)
        if agent:
            return Workload(EC2, None, True)
        if "lambda" in incident.sources:
            return Workload(LAMBDA)
        return Workload(agent=agent)
    principal = incident.principal
    if principal is not None and principal.instance_id:
        return Workload(EC2, principal.instance_id, agent)
    if "ecs" in incident.sources:
        return Workload(ECS)
    if agent:
        return Workload(EC2, None, True)
    session = principal.session if principal is not None else None
    target = incident.log_target
    group_function = None
    if target is not None and target.group.startswith(LAMBDA_PREFIX):
        group_function = target.group[len(LAMBDA_PREFIX):]
    if session and group_function == session:
        return Workload(LAMBDA, session)
    if "lambda" in incident.sources:
        name = session if session and FUNCTION_NAME.fullmatch(session) else group_function
        return Workload(LAMBDA, name)
    if group_function is not None and FUNCTION_NAME.fullmatch(group_function):
        return Workload(LAMBDA, group_function)
    return Workload()

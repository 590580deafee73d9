"""Which kind of workload made the failed request, from what the message shows.

* ``ec2``: the session of an instance profile is named after the instance
  (``assumed-role/ROLE/i-0abc...``), or the CloudWatch agent wrote the line;
* ``lambda``: Lambda names the execution role's session after the function, so a
  session whose name is the function of the ``/aws/lambda/<name>`` log group, or a line
  from a Lambda log (``[ERROR]``, ``Invoke Error``, ``START RequestId``);
* ``ecs``: the ``awslogs`` driver's "failed to initialize logging driver" message, Fargate's
  "failed to validate logger args", a ``describe-tasks`` stopped reason; ``firelens`` when
  FireLens (or AWS for Fluent Bit in an ECS task) wrote it, since FireLens writes with the
  *task* role, not the execution role;
* ``deployment``: Terraform, CloudFormation or a CI pipeline failed to create something
  (the message has their marks, or the session or role is a deployer's: ``GitHubActions``,
  ``terraform``, ``AWSCloudFormation``, a ``cfn-exec`` role). Its principal is the
  deployer, not the workload's role, even when the resource is ``/aws/lambda/NAME``.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from cwlint.diagnose.arns import FUNCTION_NAME, PrincipalInfo
from cwlint.diagnose.incident import AccessDenied, Incident, ServiceError

EC2 = "ec2"
LAMBDA = "lambda"
ECS = "ecs"
DEPLOYMENT = "deployment"
_ECS_ROLE = re.compile(r"(?<![a-z])ecs|task[-_.]?(?:exec|role)", re.IGNORECASE)
_LAMBDA_ROLE = re.compile(r"lambda", re.IGNORECASE)
RUNTIME_ACTIONS = frozenset({"logs:PutLogEvents", "logs:CreateLogStream",
                             "cloudwatch:PutMetricData", "logs:DescribeLogStreams"})
LAMBDA_PREFIX = "/aws/lambda/"
ECS_PREFIX = "/ecs/"
# Session and role names that deployers use (GitHub Actions' OIDC sessions, Terraform
# Cloud, Atlantis, Spacelift, CodeBuild / CodePipeline, CloudFormation and CDK roles).
_DEPLOYER_SESSION = re.compile(
    r"GitHubActions|github|gha[-_]|gitlab|terraform|tfc[-_]|atlantis|spacelift|jenkins|"
    r"circleci|buildkite|codebuild|codepipeline|AWSCloudFormation|cloudformation|deploy",
    re.IGNORECASE,
)
_DEPLOYER_ROLE = re.compile(
    r"cfn-exec|cloudformation|github|gha[-_]|gitlab|terraform|atlantis|spacelift|jenkins|"
    r"circleci|buildkite|codebuild|codepipeline|deploy|\bci[-_]|[-_]ci\b|cicd",
    re.IGNORECASE,
)


class Workload(msgspec.Struct, frozen=True):
    """``kind`` ec2, lambda, ecs or None; ``name`` the instance id or function name;
    ``agent`` True when the CloudWatch agent wrote the message."""

    kind: str | None = None
    name: str | None = None
    agent: bool = False
    firelens: bool = False

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"type": self.kind, "name": self.name, "cloudwatch_agent": self.agent,
                "firelens": self.firelens}


def deployer(sources: tuple[str, ...], principal: PrincipalInfo | None,
             action: str | None = None) -> str | None:
    """``terraform``, ``cloudformation`` or ``ci`` when a deployer made the request.

    Only for actions a deployment makes: a workload delivering its logs or metrics is not a
    deployment, whatever its role is called or whichever tool's output surrounds it (a
    custom resource's log mentions its stack)."""
    if action in RUNTIME_ACTIONS:
        return None
    for tool in ("terraform", "cloudformation"):
        if tool in sources:
            return tool
    if principal is None:
        return None
    if principal.session and _DEPLOYER_SESSION.search(principal.session):
        return "ci"
    if "ecs" not in sources and principal.name and _DEPLOYER_ROLE.search(principal.name):
        return "ci"
    return None


def infer_workload(incident: Incident) -> Workload:
    """The workload the message points at (kind None when it shows nothing)."""
    agent = "cloudwatch-agent" in incident.sources
    if isinstance(incident, ServiceError):
        tool = deployer(incident.sources, None)
        if tool:
            return Workload(DEPLOYMENT, tool)
        if "ecs" in incident.sources:
            return Workload(ECS)
        if agent:
            return Workload(EC2, None, True)
        return Workload()
    if not isinstance(incident, AccessDenied):
        if "ecs" in incident.sources:
            return Workload(ECS)
        if incident.instance_id:
            return Workload(EC2, incident.instance_id, agent)
        if agent:
            return Workload(EC2, None, True)
        if "lambda" in incident.sources:
            return Workload(LAMBDA)
        return Workload(agent=agent)
    principal = incident.principal
    sources = incident.sources
    tool = deployer(sources, principal, incident.action)
    if tool:
        return Workload(DEPLOYMENT, tool)
    target = incident.log_target
    role = principal.role_name if principal is not None else None
    if "fluent-bit" in sources and (
            (target is not None and target.group.startswith(ECS_PREFIX)) or
            (role is not None and _ECS_ROLE.search(role))):
        return Workload(ECS, firelens=True)  # Fluent Bit in an ECS task is FireLens
    if "ecs" in sources or "firelens" in sources:
        # ECS on EC2 without an execution role: the driver uses the instance's role.
        firelens = "firelens" in sources or "fluent-bit" in sources
        return Workload(ECS, principal.instance_id if principal else None, firelens=firelens)
    if principal is not None and principal.instance_id:
        return Workload(EC2, principal.instance_id, agent)
    if agent:
        return Workload(EC2, None, True)
    session = principal.session if principal is not None else None
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
    return _by_role_name(principal)


def _by_role_name(principal: PrincipalInfo | None) -> Workload:
    """The workload a role's conventional name shows, when nothing else does: ECS's
    ``ecsTaskExecutionRole`` (and ``...-task-execution-...`` roles), a Lambda role
    (``...lambda...``; its session is the function's name)."""
    role = principal.role_name if principal is not None else None
    if not role:
        return Workload()
    if _ECS_ROLE.search(role):
        return Workload(ECS)
    if _LAMBDA_ROLE.search(role):
        session = principal.session if principal is not None else None
        return Workload(LAMBDA, session if session and FUNCTION_NAME.fullmatch(session)
                        else None)
    return Workload()

"""Read-only AWS CLI commands that confirm a cause by hand.

Every command only reads (``get-*``, ``list-*``, ``describe-*``, ``simulate-*``). Values
the message does not give are uppercase placeholders (``VPC_ID``, ``SUBNET_ID``,
``ENDPOINT_SG_ID``, ``POLICY_NAME``) for the reader to fill in; everything else is quoted
for a POSIX shell.
"""

from __future__ import annotations

import shlex

from cwlint.diagnose.arns import PrincipalInfo


def _cmd(*words: str, region: str | None = None) -> str:
    parts = [shlex.quote(w) for w in words]
    if region:
        parts += ["--region", shlex.quote(region)]
    return " ".join(parts)


def role_policies(principal: PrincipalInfo | None) -> list[str]:
    """The role's inline and attached policies and its permissions boundary."""
    role = principal.role_name if principal is not None else None
    if role is None:
        if principal is not None and principal.kind == "user" and principal.name:
            user = principal.name
            return [_cmd("aws", "iam", "list-user-policies", "--user-name", user),
                    _cmd("aws", "iam", "list-attached-user-policies", "--user-name", user),
                    _cmd("aws", "iam", "list-groups-for-user", "--user-name", user)]
        return [_cmd("aws", "sts", "get-caller-identity")]
    return [
        _cmd("aws", "iam", "list-role-policies", "--role-name", role),
        _cmd("aws", "iam", "list-attached-role-policies", "--role-name", role),
        _cmd("aws", "iam", "get-role-policy", "--role-name", role, "--policy-name", "POLICY_NAME"),
        _cmd("aws", "iam", "get-role", "--role-name", role, "--query",
             "Role.PermissionsBoundary"),
    ]


def simulate(principal: PrincipalInfo | None, action: str, resource: str | None,
             context: tuple[str, str] | None = None) -> list[str]:
    """``iam simulate-principal-policy`` for the role (identity policies and boundary)."""
    if principal is None:
        return []
    source = principal.role_arn or (principal.arn if principal.kind == "user" else None)
    if source is None:
        return []
    words = ["aws", "iam", "simulate-principal-policy", "--policy-source-arn", source,
             "--action-names", action, "--resource-arns", resource or "*"]
    if context is not None:
        key, value = context
        words += ["--context-entries",
                  f"ContextKeyName={key},ContextKeyValues={value},ContextKeyType=string"]
    words += ["--query", "EvaluationResults[].[EvalDecision,MatchedStatements[].SourcePolicyId]"]
    return [_cmd(*words)]


def instance(instance_id: str, region: str | None) -> list[str]:
    """Where an instance runs and with which instance profile."""
    return [_cmd("aws", "ec2", "describe-instances", "--instance-ids", instance_id, "--query",
                 "Reservations[].Instances[].{Profile:IamInstanceProfile.Arn,Vpc:VpcId,"
                 "Subnet:SubnetId,Groups:SecurityGroups[].GroupId,Ip:PrivateIpAddress}",
                 region=region)]


def function(name: str, region: str | None) -> list[str]:
    """A Lambda function's role, log group and VPC configuration."""
    return [_cmd("aws", "lambda", "get-function-configuration", "--function-name", name,
                 "--query", "{Role:Role,LoggingConfig:LoggingConfig,VpcConfig:VpcConfig}",
                 region=region)]


def scps(account: str | None) -> list[str]:
    """The service control policies on the account (run in the management account)."""
    return [_cmd("aws", "organizations", "list-policies-for-target", "--target-id",
                 account or "ACCOUNT_ID", "--filter", "SERVICE_CONTROL_POLICY"),
            _cmd("aws", "organizations", "describe-policy", "--policy-id", "POLICY_ID",
                 "--query", "Policy.Content")]


def endpoints(endpoint_service: str, region: str | None, vpc_id: str | None = None) -> list[str]:
    """The VPC's interface endpoints for the service, with private DNS, groups and policy."""
    name = f"com.amazonaws.{region or 'REGION'}.{endpoint_service}"
    words = ["aws", "ec2", "describe-vpc-endpoints", "--filters",
             f"Name=service-name,Values={name}", f"Name=vpc-id,Values={vpc_id or 'VPC_ID'}",
             "--query", "VpcEndpoints[].{Id:VpcEndpointId,State:State,PrivateDns:"
             "PrivateDnsEnabled,Groups:Groups[].GroupId,Policy:PolicyDocument}"]
    return [_cmd(*words, region=region)]


def routes(subnet_id: str | None, region: str | None) -> list[str]:
    """The routes of the workload's subnet (no 0.0.0.0/0 to a NAT gateway: isolated)."""
    return [_cmd("aws", "ec2", "describe-route-tables", "--filters",
                 f"Name=association.subnet-id,Values={subnet_id or 'SUBNET_ID'}",
                 "--query", "RouteTables[].Routes[]", region=region)]


def dns(host: str | None, vpc_id: str | None, region: str | None) -> list[str]:
    """Whether the endpoint name resolves to private addresses, and the VPC's DNS."""
    commands = []
    if host:
        commands.append(f"getent hosts {shlex.quote(host)}   # on the workload: "
                        "private addresses mean private DNS works")
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        commands.append(_cmd("aws", "ec2", "describe-vpc-attribute", "--vpc-id",
                             vpc_id or "VPC_ID", "--attribute", attribute, region=region))
    return commands


def security_groups(group_ids: tuple[str, ...], placeholder: str, region: str | None,
                    egress: bool = False) -> list[str]:
    """A security group's inbound (or outbound) rules."""
    field = "IpPermissionsEgress" if egress else "IpPermissions"
    ids = list(group_ids) or [placeholder]
    return [_cmd("aws", "ec2", "describe-security-groups", "--group-ids", *ids, "--query",
                 f"SecurityGroups[].{{Id:GroupId,Rules:{field}}}", region=region)]

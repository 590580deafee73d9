"""CWL014 endpoint-policy-denies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cwlint.findings import ERROR, INFO, Finding
from cwlint.fixes import AddStatements, Fix
from cwlint.iam.evaluator import (
    ALLOWED,
    UNKNOWN,
    Decision,
    Principal,
    Request,
    evaluate,
    lint_context,
)
from cwlint.iam.policy import Policy
from cwlint.model import Model
from cwlint.rules.base import Rule
from cwlint.rules.connectivity import SERVICE_PREFIX, path_endpoints, service_paths
from cwlint.rules.fixing import with_fix
from cwlint.rules.requirements import requirements
from cwlint.rules.resource_types import ENDPOINTS
from cwlint.rules.workload_findings import describe_workload
from cwlint.values import StrValue


def policy_decision(policy: Policy, action: str, resource: StrValue, context: dict[str, Any],
                    principal: Principal | None) -> Decision:
    """An endpoint policy's decision on one call through the endpoint. Keys only the
    request carries (the source VPC, organization ids...) are unknown, never absent."""
    return evaluate(Request(action, resource, lint_context(context), principal), [policy])


class EndpointPolicyDenies(Rule):
    """The policy of the endpoint a workload uses does not allow the call it needs.

    An endpoint policy only restricts: a request through the endpoint needs an Allow in it
    (and no Deny) as well as in the caller's own policies. The default policy allows
    everything; a custom one that lists, say, only `cloudwatch:GetMetricData` silently
    denies `PutMetricData`. It is evaluated with the same evaluator, with the workload's
    role as the principal.

    **Why monitoring goes silent.** The error says "explicit deny in a VPC endpoint
    policy" (or "no VPC endpoint policy allows") and is easy to mistake for a role problem.

    **Failing example (CloudFormation).**
    ```yaml
    MonitoringEndpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcId: !Ref Vpc
        ServiceName: !Sub com.amazonaws.${AWS::Region}.monitoring
        VpcEndpointType: Interface
        PrivateDnsEnabled: true
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: "*"
              Action: cloudwatch:GetMetricData   # PutMetricData is not allowed
              Resource: "*"
    ```

    **Fix (CloudFormation).** Add the action to the endpoint's `PolicyDocument`:
    ```yaml
    - Effect: Allow
      Principal: "*"
      Action: cloudwatch:PutMetricData
      Resource: "*"
    ```

    **Fix (Terraform).** The same statement in `aws_vpc_endpoint.policy`
    (`jsonencode({...})`).
    """

    id = "CWL014"
    name = "endpoint-policy-denies"
    title = "Endpoint policy does not allow the workload's monitoring calls"
    severity = ERROR
    ensures = "Ensure the endpoint policy allows the workload's monitoring calls"
    reports_on = ENDPOINTS

    def subjects(self, model: Model) -> Iterable[str]:
        """The endpoints with a policy through which workloads reach a CloudWatch
        service."""
        return [e.location.resource for e in path_endpoints(model) if e.policy is not None]

    def check(self, model: Model) -> Iterable[Finding]:
        denied: dict[str, list[str]] = {}
        unknown: dict[str, list[str]] = {}
        for path in service_paths(model):
            workload = path.workload
            role = workload.role
            principal = (Principal("AWS", role.arn, model.account_id)  # type: ignore[arg-type]
                         if role is not None else None)
            # Calls only some agent configurations make (not certain) are not checked.
            needed = [r for r in requirements(model, workload) if r.certain
                      and r.action.lower().startswith(SERVICE_PREFIX[path.service])]
            for endpoint in path.endpoints:
                if endpoint.policy is None:
                    continue
                for requirement in needed:
                    decision = policy_decision(endpoint.policy, requirement.action,
                                               requirement.resource, dict(requirement.context),
                                               principal).decision
                    if decision == ALLOWED:
                        continue
                    target = unknown if decision == UNKNOWN else denied
                    entry = f"{requirement.action} for {describe_workload(workload)}"
                    if entry not in target.setdefault(endpoint.id, []):
                        target[endpoint.id].append(entry)
        for endpoint_id, entries in denied.items():
            endpoint = model.endpoints[endpoint_id]
            actions = sorted({e.split(" for ")[0] for e in entries})
            statement = {"Effect": "Allow", "Principal": "*",
                         "Action": actions[0] if len(actions) == 1 else actions,
                         "Resource": "*"}
            yield with_fix(Finding.at(
                endpoint.location.at(endpoint.policy_line), self.id, self.severity,
                f"the policy of endpoint {endpoint_id} does not allow " + "; ".join(entries),
            ), Fix((AddStatements(endpoint_id, "endpoint.policy", (statement,)),)))
        for endpoint_id, entries in unknown.items():
            endpoint = model.endpoints[endpoint_id]
            yield Finding.at(endpoint.location.at(endpoint.policy_line), self.id, INFO,
                             f"cannot tell whether the policy of endpoint {endpoint_id} allows "
                             + "; ".join(entries))

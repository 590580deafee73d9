"""``cwlint diagnose``: from an AccessDenied message or a connect timeout to the cause and fix.

The pipeline, one module per job:

* :mod:`~cwlint.diagnose.inputs` reads the argument, standard input or a (gzipped) log;
  :mod:`~cwlint.diagnose.text` turns it into one logical line, rejoining messages wrapped
  across lines (also inside an ARN);
* :mod:`~cwlint.diagnose.denied` and :mod:`~cwlint.diagnose.network` recognise AccessDenied
  messages and failed connections to CloudWatch; :mod:`~cwlint.diagnose.shapes` reads the
  SDK's envelope (error code, operation, request id), :mod:`~cwlint.diagnose.arns` the
  ARNs, :mod:`~cwlint.diagnose.spans` keeps long logs linear; the results are the
  :mod:`~cwlint.diagnose.incident` classes, collected once each by
  :mod:`~cwlint.diagnose.parse`;
* :mod:`~cwlint.diagnose.workload` says which kind of workload failed,
  :mod:`~cwlint.diagnose.causes` ranks the root causes, tied to the rule ids of
  :mod:`~cwlint.diagnose.rule_ids`, with the change to make from
  :mod:`~cwlint.diagnose.fixes` and the read-only commands of :mod:`~cwlint.diagnose.checks`;
  :mod:`~cwlint.diagnose.diagnosis` puts one incident's answer together;
* with ``--live``, :mod:`~cwlint.diagnose.live` confirms or rules out each cause against
  the account through the read-only client of :mod:`~cwlint.diagnose.readonly`, evaluating
  the fetched policies with the cwlint IAM evaluator (:mod:`~cwlint.diagnose.live_iam`)
  and the network facts with :mod:`~cwlint.diagnose.live_network`;
* :mod:`~cwlint.diagnose.report` prints text or JSON.
"""

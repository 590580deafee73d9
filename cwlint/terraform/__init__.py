"""Terraform front ends: HCL configurations and ``terraform show -json`` plans.

Both front ends produce the same intermediate form, a list of resource instances with
their values and references (:mod:`cwlint.terraform.resources`), and one builder maps it to
the :class:`~cwlint.model.Model`, so a configuration and its plan give the same findings on
the same Terraform addresses.

* :mod:`~cwlint.terraform.hcl` parses HCL native syntax with tree-sitter (no ``hcl2``);
* :mod:`~cwlint.terraform.expressions` and :mod:`~cwlint.terraform.functions` evaluate
  expressions where their inputs are known; :mod:`~cwlint.terraform.values` holds the
  unknown values (:class:`~cwlint.terraform.values.TfRef`) and JSON with unknown holes;
* :mod:`~cwlint.terraform.modules` reads a module directory, its variables, locals and
  local modules, and expands ``count``/``for_each``;
* :mod:`~cwlint.terraform.plan` reads plans (``planned_values``, ``resource_changes``,
  ``prior_state``, ``configuration``);
* :mod:`~cwlint.terraform.attributes` writes the computed attributes whose shape is known
  (ARNs from names, ``aws_iam_policy_document.json``);
* :mod:`~cwlint.terraform.builder`, :mod:`~cwlint.terraform.vpcs` and
  :mod:`~cwlint.terraform.services` build the model, in the order every front end
  follows (:mod:`cwlint.frontend.builder`);
* :mod:`~cwlint.terraform.discovery` says which paths are Terraform inputs and
  :mod:`~cwlint.terraform.frontend` is the front end :mod:`cwlint.engine` calls.
"""

"""CKV_CWL_01x: the cwlint rules CWL01x, subnets, VPC endpoints and security groups (NETWORKING).

One check per rule of the group (CWL010 is CKV_CWL_010); ``cwlint rules`` lists them.
"""

from ckv_cwl_bootstrap import register_group

register_group("1")

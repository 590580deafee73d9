"""CKV_CWL_00x: the cwlint rules CWL00x, roles that cannot publish metrics or logs (IAM).

One check per rule of the group (CWL001 is CKV_CWL_001); ``cwlint rules`` lists them.
"""

from ckv_cwl_bootstrap import register_group

register_group("0")

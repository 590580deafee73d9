"""CKV_CWL_02x: the cwlint rules CWL02x, log group encryption, ECS awslogs (LOGGING).

One check per rule of the group (CWL020 is CKV_CWL_020); ``cwlint rules`` lists them.
"""

from ckv_cwl_bootstrap import register_group

register_group("2")

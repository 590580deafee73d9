"""CKV_CWL_03x: the cwlint rules CWL03x, CloudWatch OAM sinks and links (LOGGING).

One check per rule of the group (CWL030 is CKV_CWL_030); ``cwlint rules`` lists them.
"""

from ckv_cwl_bootstrap import register_group

register_group("3")

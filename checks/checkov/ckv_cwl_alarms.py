"""CKV_CWL_04x: the cwlint rules CWL04x, alarms and conventions (LOGGING).

One check per rule of the group (CWL040 is CKV_CWL_040); ``cwlint rules`` lists them.
"""

from ckv_cwl_bootstrap import register_group

register_group("4")

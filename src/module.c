/* module.c — the table through which the certnotice executable reaches the
 * module it loads (module.h). */
#include "module.h"
#include "filter.h"

CN_MODULE_EXPORT const CnModule cn_module = {
  .abi = CN_MODULE_ABI,
  .parse = cn_cmd_parse,
  .check = cn_cmd_check,
  .imap = cn_cmd_imap,
  .cases = cn_cmd_cases,
  .recheck = cn_cmd_recheck,
  .rules = cn_cmd_rules,
  .serve = cn_cmd_serve,
  .filter_judge = cn_filter_judge,
};

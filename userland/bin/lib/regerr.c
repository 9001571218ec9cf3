/* The body of regerr.h. */
#include "regerr.h"

const char *regerr_gnu(int code, const regex_t *re, char *buf, size_t cap) {
  switch (code) {
  case REG_EPAREN: return "Unmatched ( or \\(";
  case REG_EBRACK: return "Unmatched [, [^, [:, [., or [=";
  case REG_EBRACE: return "Unmatched \\{";
  case REG_BADRPT: return "Invalid preceding regular expression";
  case REG_EESCAPE: return "Trailing backslash";
  case REG_ESUBREG: return "Invalid back reference";
  case REG_ECTYPE: return "Invalid character class name";
  case REG_ERANGE: return "Invalid range end";
  case REG_BADBR: return "Invalid content of \\{\\}";
  case REG_ECOLLATE: return "Invalid collation character";
  case REG_ESPACE: return "Memory exhausted";
  default: regerror(code, re, buf, cap); return buf;
  }
}

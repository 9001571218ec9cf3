/* egrep: grep -E (grep.c). */
#define GREP_NAME "egrep"
#include "grep.c"

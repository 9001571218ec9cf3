/* fgrep: grep -F (grep.c). */
#define GREP_NAME "fgrep"
#include "grep.c"

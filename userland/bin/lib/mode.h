/*
 * chmod's MODE operand: octal, or symbolic [ugoa]*[+-=]([rwxXst]*|[ugo]),
 * comma-separated; used by chmod and by mkdir -m.
 * Spec: POSIX chmod(1) (the symbolic mode grammar, the umask without who).
 */
#ifndef BIN_LIB_MODE_H
#define BIN_LIB_MODE_H
#include "util.h"

/* `spec` applied to the mode `old` (of a directory if `isdir`); -1 if it is not a valid mode. */
long mode_apply(const char *spec, mode_t old, int isdir);

#endif

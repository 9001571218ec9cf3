/*
 * regerror() with GNU's wording (grep and sed users and tests expect
 * "Unmatched ( or \(", not musl's "Missing ')'").
 */
#ifndef REGERR_H
#define REGERR_H

#include <regex.h>

/* The message for regcomp/regexec error `code`, GNU's where it differs; else regerror's, in buf. */
const char *regerr_gnu(int code, const regex_t *re, char *buf, size_t cap);

#endif

/*
 * Backslash escapes shared by printf (the shell's and /bin's: printf.c),
 * /bin's echo -e, tr and stat: parse one escape starting after the backslash.
 * Spec: POSIX printf/echo (XSI) escapes plus GNU's \e and \xHH.
 */
#ifndef ESCAPE_H
#define ESCAPE_H

enum { ESC_STOP = -2 };  /* \c: stop all output */

/*
 * s points just after a '\'. Stores the byte in *out and returns how many
 * characters of s were consumed. octal0: octal needs a leading 0 and takes up
 * to 3 digits after it (echo -e and %b: \0NNN); otherwise \NNN, 1-3 digits.
 * Unknown escapes yield the backslash itself, consuming nothing.
 */
int parse_escape(const char *s, int *out, int octal0);

#endif

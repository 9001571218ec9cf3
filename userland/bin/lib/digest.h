/*
 * Message digests for md5sum, sha1sum and sha256sum (RFC 1321, FIPS 180-4),
 * and the shared "HASH  NAME" / -c checking front end (GNU coreutils).
 * Each utility is a main that calls digest_main with its kind.
 */
#ifndef DIGEST_H
#define DIGEST_H

enum { MD5, SHA1, SHA256 };

/* The utility: print "HEX  NAME" per file, or check a list with -c. */
int digest_main(int argc, char **argv, int kind);

#endif

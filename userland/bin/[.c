/* [: the same program as test (test.c); it checks argv[0] for the closing "]". */
#include "test.c"

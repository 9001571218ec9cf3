/* true: exit successfully, ignoring every argument. Spec: POSIX true. */
int main(void) { return 0; }

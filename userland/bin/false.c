/* false: exit with status 1, ignoring every argument. Spec: POSIX false. */
int main(void) { return 1; }

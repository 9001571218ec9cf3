// Spins forever without a system call: only the kernel stopping its worker can end it.
int main(void) {
  volatile unsigned long n = 0;
  for (;;) n++;
}

/* printf formatting, checked against the host C library's. */
#include "sim.h"

int main(void)
{
  printf("hello, world\n");
  printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d]\n", 42, 42, 42, 42, 42, 42);
  printf("[%d] [%i] [%u] [%x] [%X] [%o]\n", -1, -2147483647 - 1, 4294967295u, 0xbeef, 0xbeef, 8);
  printf("[%#x] [%#o] [%08x] [%-8x] [%.3d] [%8.3d]\n", 255, 8, 0xabc, 0xabc, 7, 7);
  printf("[%s] [%10s] [%-10s] [%.2s] [%c] [%3c]\n", "str", "right", "left", "trunc", 'x', 'y');
  printf("[%lld] [%llu] [%llx] [%ld] [%lu]\n", -1234567890123LL, 18446744073709551615ULL, 0x123456789abcdefULL, -5L, 5UL);
  printf("[%hd] [%hu] [%hhd] [%hhu]\n", (short)-2, (unsigned short)65535, (signed char)-3, (unsigned char)250);
  printf("[%*d] [%-*d] [%.*s] [%%]\n", 6, 1, 6, 2, 3, "abcdef");
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%s-%d-%x", "snprintf", 99, 0x7f);
  printf("%s (%d)\n", buf, n);
  n = snprintf(buf, 8, "%s", "truncated string");
  printf("%s (%d)\n", buf, n);
  for (int i = 0; i < 5; i++) printf("%d%s", i * i, i < 4 ? "," : "\n");
  return 0;
}

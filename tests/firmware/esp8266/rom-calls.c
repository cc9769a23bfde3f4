/*
 * Calls the ESP8266 mask ROM's routines (emulated by circuitemu) and prints the results with
 * ets_printf. The same source builds for the host (-DHOST: printf and the host's arithmetic),
 * whose output is the expected output: the oracle is the host C library and CPU.
 */
#ifdef HOST
#include <stdio.h>
#include <string.h>
#define PRINT printf
#else
int ets_printf(const char *fmt, ...);
void *memcpy(void *, const void *, unsigned);
void *memset(void *, int, unsigned);
int memcmp(const void *, const void *, unsigned);
unsigned strlen(const char *);
#define PRINT ets_printf
#endif

/* volatile: keep the divisions at run time (GCC would fold constants). */
static volatile int si[] = {0, 1, -1, 7, -7, 100, 2147483647, -2147483647 - 1, 12345, -98765};
static volatile int sd[] = {1, -1, 3, -3, 7, 10, 65536, 2147483647, -2};
static volatile long long ll[] = {0, 1, -1, 1234567890123LL, -9876543210987LL, 0x7fffffffffffffffLL};
static volatile long long ld[] = {1, -1, 7, 1000000007LL, -65536, 0x100000000LL};

static void division(void) {
  for (unsigned i = 0; i < sizeof si / sizeof si[0]; i++)
    for (unsigned j = 0; j < sizeof sd / sizeof sd[0]; j++) {
      int a = si[i], b = sd[j];
      if (b == -1 && a == -2147483647 - 1) continue; /* overflow: undefined */
      unsigned ua = (unsigned)a, ub = (unsigned)b;
      PRINT("div %d %d: %d %d %u %u\n", a, b, a / b, a % b, ua / ub, ua % ub);
    }
}

static void division64(void) {
  for (unsigned i = 0; i < sizeof ll / sizeof ll[0]; i++)
    for (unsigned j = 0; j < sizeof ld / sizeof ld[0]; j++) {
      long long a = ll[i], b = ld[j];
      unsigned long long ua = (unsigned long long)a, ub = (unsigned long long)b;
      long long q = a / b, m = a * b;
      unsigned long long uq = ua / ub, ur = ua % ub;
      /* ets_printf has no %lld: print 64-bit values as two 32-bit halves. */
      PRINT("div64 %d: %08x%08x %08x%08x %08x%08x %08x%08x\n", (int)(i * 10 + j), (unsigned)((unsigned long long)q >> 32), (unsigned)q,
            (unsigned)((unsigned long long)m >> 32), (unsigned)m, (unsigned)(uq >> 32), (unsigned)uq, (unsigned)(ur >> 32), (unsigned)ur);
    }
}

static void doubles(void) {
  volatile int n = 7;
  double x = n; /* __floatsidf */
  double y = x * 1.5 + 0.25; /* __muldf3, __adddf3 */
  double z = y / 3.0; /* __divdf3 */
  PRINT("double %d %d %d\n", (int)y, (int)(z * 1000), (int)(-z * 1000)); /* __fixdfsi */
}

static void formats(void) {
  PRINT("fmt [%5d] [%-5d] [%05d] [%x] [%X] [%08x] [%c] [%s] [%10s] [%-6s] [%%] [%u]\n", 42, 42, -42, 0xbeef, 0xbeef, 0x1234, 'Z', "str", "right", "left",
        3000000000u);
  PRINT("fmt [%+d] [% d] [%.3d] [%.2s] [%ld] [%lu] [%lx]\n", 5, 5, 7, "abcdef", -1L, 4000000000UL, 0xabcdefUL);
}

static void memory(void) {
  static char a[64], b[64];
  memset(a, 'x', 10);
  a[10] = 0;
  memcpy(b, a, 11);
  b[3] = 'y';
  PRINT("mem %u %s %d %d\n", (unsigned)strlen(a), b, memcmp(a, b, 11) < 0 ? -1 : memcmp(a, b, 11) > 0 ? 1 : 0, memcmp(a, a, 11));
}

#ifdef HOST
int main(void) {
#else
extern char __bss_start[], __bss_end[];
void call_user_start(void) {
  for (char *p = __bss_start; p < __bss_end; p++) *p = 0;
#endif
  PRINT("rom-calls start\n");
  division();
  division64();
  doubles();
  formats();
  memory();
  PRINT("DONE\n");
#ifdef HOST
  return 0;
#else
  for (;;) {}
#endif
}

/*
 * printf — newlib's printf family: conversions, flags, field widths and
 * precisions (literal and '*'), length modifiers, snprintf truncation and
 * return values, puts/putchar/fputs/fwrite.
 * (Debian's newlib is built without C99 I/O formats: %z/%t/%j and %hh
 * truncation are not supported there, so they are not used.)
 * Portable C: the host build (glibc) must print exactly the same.
 */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

/* truncation is exactly what this program tests */
#pragma GCC diagnostic ignored "-Wformat-truncation"

int main(void)
{
    printf("printf\n");
    printf("[%d] [%i] [%u] [%x] [%X] [%o] [%c] [%s] [%%]\n", -42, 42, 42u, 0xbeefu,
           0xbeefu, 8u, 'Z', "str");
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d] [%-+5d] [% 05d]\n", 42, 42, 42, 42,
           42, 42, 42, 42);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%6.3d] [%-6.3d]\n", -42, -42, -42,
           -42, -42, -42, -42, -42);
    printf("[%#x] [%#X] [%#o] [%#x] [%#o] [%08x] [%#010x] [%.0d] [%.0x]\n", 255u, 255u,
           8u, 0u, 0u, 0xabcu, 0xabcu, 0, 0u);
    printf("[%d] [%d] [%u] [%x] [%o]\n", INT_MAX, INT_MIN, UINT_MAX, UINT_MAX,
           UINT_MAX);
    printf("[%hd] [%hu] [%hhd] [%hhu] [%hx]\n", (short)-1234, (unsigned short)65535,
           (signed char)-100, (unsigned char)200, (unsigned short)0xfedc);
    printf("[%hd] (truncated by the length modifier)\n", 70000);
    printf("[%ld] [%lu] [%lx] [%lld] [%llu]\n", -123456789L, 4000000000UL,
           0xdeadbeefUL, -9000000000000000000LL, 18000000000000000000ULL);
    printf("[%" PRId8 "] [%" PRIu16 "] [%" PRIx32 "] [%" PRId64 "] [%" PRIX64 "]\n",
           (int8_t)-8, (uint16_t)65000, (uint32_t)0xcafe1234u, (int64_t)-1,
           (uint64_t)0x0123456789ABCDEFull);

    printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%-10.4s] [%.0s]\n", "hello", "hello",
           "hello", "hello", "hello", "hello", "hello");
    printf("[%c%c%c] [%3c] [%-3c]\n", 'a', 'b', 'c', 'x', 'y');
    printf("[%*d] [%-*d] [%.*d] [%*.*d] [%*s] [%.*s]\n", 6, 1, 6, 2, 4, 3, 8, 5, 4, 6,
           "wide", 2, "precision");
    printf("[%*d] (negative width means left-justify)\n", -6, 9);
    printf("[%p] [%p]\n", (void *)0x1234, (void *)0x20000000);

    printf("[%f] [%.3f] [%10.4f] [%-10.2f] [%+.1f] [%e] [%.2E] [%g] [%g] [%g]\n",
           3.14159265, 3.14159265, -2.5, 2.5, 0.05, 123456.0, 0.000123, 1e-4, 1e-5,
           123456789.0);
    printf("[%.3g] [%#.3g] [%g] [%#g] [%.0e] [%#.0e] [%010.3f] [%-+10.3e]\n", 1.0,
           1.0, 100000.0, 100000.0, 5e10, 5e10, -1.5, 1.5);

    char buf[16];
    int n = snprintf(buf, sizeof buf, "%s-%d-%s", "truncate", 123456, "me");
    printf("snprintf returned %d, buffer '%s' (len %u)\n", n, buf, (unsigned)strlen(buf));
    n = snprintf(buf, 1, "abc");
    printf("snprintf(size 1) returned %d, buffer '%s'\n", n, buf);
    n = snprintf(NULL, 0, "%d%d", 123, 4567);
    printf("snprintf(NULL, 0) returned %d\n", n);
    char big[128];
    n = sprintf(big, "%08.3f|%-6s|%+04d|%x", 3.14159, "ab", 7, 48879u);
    printf("sprintf returned %d: %s\n", n, big);

    int count = 0;
    printf("abc%n", &count);
    printf(" <- %%n counted %d\n", count);

    puts("puts adds a newline");
    fputs("fputs does not", stdout);
    putchar('\n');
    putchar('!');
    putchar('\n');
    fwrite("fwrite 12345\n", 1, 13, stdout);
    fprintf(stdout, "fprintf(stdout) %s %d\n", "ok", 1);
    fflush(stdout);
    printf("tab\there, quote\" backslash\\ and utf-8 bytes: caf\xc3\xa9\n");
    printf("done%s\n", "");
    return 0;
}

/*
 * strings — string.h / stdlib.h / ctype.h routines at every alignment:
 * memcpy/memmove/memset/memcmp/memchr, strlen/strcpy/strncpy/strcat/strcmp/
 * strncmp/strchr/strrchr/strstr/strspn/strcspn/strtok, strtol/strtoul/
 * strtoll/atoi, toupper/tolower.  Byte-level loads and stores of every
 * width and alignment are exercised through newlib's optimised routines.
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>

static unsigned char src[96], dst[96];

static uint32_t hash(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(void)
{
    printf("strings\n");
    for (int i = 0; i < 96; i++)
        src[i] = (unsigned char)(i * 37 + 11);

    /* memcpy / memset at every source/destination alignment and length */
    uint32_t h = 0;
    for (int so = 0; so < 4; so++)
        for (int dof = 0; dof < 4; dof++)
            for (int len = 0; len <= 40; len += 3) {
                memset(dst, 0x5A, sizeof dst);
                memcpy(dst + dof, src + so, (size_t)len);
                h = h * 31 + hash(dst, sizeof dst);
                memset(dst + so, dof * 17, (size_t)len);
                h = h * 31 + hash(dst, sizeof dst);
            }
    printf("memcpy/memset hash %08lx\n", (unsigned long)h);

    /* memmove overlapping both directions */
    h = 0;
    for (int shift = -5; shift <= 5; shift++) {
        memcpy(dst, src, sizeof dst);
        if (shift >= 0)
            memmove(dst + shift, dst, 60);
        else
            memmove(dst, dst - shift, 60);
        h = h * 31 + hash(dst, sizeof dst);
    }
    printf("memmove hash %08lx\n", (unsigned long)h);

    /* memcmp sign and memchr */
    unsigned char a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8] = {1, 2, 3, 4, 5, 6, 7, 200};
    int mc = memcmp(a, b, 8);
    printf("memcmp sign %d %d %d\n", (mc > 0) - (mc < 0),
           memcmp(b, a, 8) > 0, memcmp(a, a, 8));
    const unsigned char *f = memchr(src, src[50], 96);
    printf("memchr found at %d\n", f ? (int)(f - src) : -1);

    char s[64];
    strcpy(s, "Hello");
    strcat(s, ", ");
    strcat(s, "World");
    strncat(s, "!!!!!", 1);
    printf("'%s' len %u\n", s, (unsigned)strlen(s));
    char t[12];
    memset(t, 'x', sizeof t);
    strncpy(t, "abc", 6);
    printf("strncpy pads: %d %d %d %c\n", t[3], t[4], t[5], t[6]);
    printf("strcmp: %d %d %d, strncmp: %d\n", strcmp("abc", "abd") < 0,
           strcmp("abd", "abc") > 0, strcmp("abc", "abc"), strncmp("abcX", "abcY", 3));
    printf("strchr: %s, strrchr: %s, strstr: %s, strstr miss: %s\n",
           strchr(s, 'o'), strrchr(s, 'o'), strstr(s, "Wor"),
           strstr(s, "xyz") ? "found" : "null");
    printf("strspn %u strcspn %u\n", (unsigned)strspn("aabbccxyz", "abc"),
           (unsigned)strcspn("hello world", " "));
    char tok[] = "  split,these;;words , please ";
    printf("tokens:");
    for (char *w = strtok(tok, " ,;"); w; w = strtok(NULL, " ,;"))
        printf(" [%s]", w);
    printf("\n");

    /* strlen at every alignment */
    char lb[80];
    memset(lb, 'q', sizeof lb);
    h = 0;
    for (int off = 0; off < 8; off++)
        for (int len = 0; len < 40; len++) {
            lb[off + len] = 0;
            h = h * 31 + (uint32_t)strlen(lb + off);
            lb[off + len] = 'q';
        }
    printf("strlen hash %08lx\n", (unsigned long)h);

    /* number parsing */
    char *end;
    printf("strtol: %ld %ld %ld %ld\n", strtol("  -12345xyz", &end, 10),
           strtol("0x7fffffff", NULL, 16), strtol("0777", NULL, 0),
           strtol("z", NULL, 36));
    printf("end points at '%s'\n", end);
    errno = 0;
    long lo = strtol("99999999999999999999", NULL, 10);
    printf("strtol overflow: %s, ERANGE %d\n", lo == LONG_MAX ? "LONG_MAX" : "?",
           errno == ERANGE);
    printf("strtoul: %lu, strtoll: %lld, strtoull: %llu, atoi: %d, atol: %ld\n",
           strtoul("4294967295", NULL, 10), strtoll("-9223372036854775808", NULL, 10),
           strtoull("18446744073709551615", NULL, 0), atoi("  +42abc"), atol("-7"));
    printf("strtod: %.6f %.3e\n", strtod("3.14159xyz", NULL), strtod("-1.5e-7", NULL));

    char up[] = "Mixed Case 123 !?";
    for (char *c = up; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    printf("%s / ", up);
    for (char *c = up; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    printf("%s\n", up);
    int cls[6] = {0};
    for (int c = 0; c < 128; c++) {
        cls[0] += isalpha(c) != 0;
        cls[1] += isdigit(c) != 0;
        cls[2] += isspace(c) != 0;
        cls[3] += ispunct(c) != 0;
        cls[4] += isxdigit(c) != 0;
        cls[5] += iscntrl(c) != 0;
    }
    printf("ctype counts: alpha %d digit %d space %d punct %d xdigit %d cntrl %d\n",
           cls[0], cls[1], cls[2], cls[3], cls[4], cls[5]);
    return 0;
}

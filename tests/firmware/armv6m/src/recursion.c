/*
 * recursion — deep and branchy recursion: Ackermann, naive Fibonacci,
 * Towers of Hanoi, mutual recursion, N-queens, permutations and a
 * recursive-descent expression evaluator.  Exits with status 3 on success
 * (a deliberately nonzero exit code, checked by the harness).
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

static unsigned long calls;

NOINLINE static uint32_t ack(uint32_t m, uint32_t n)
{
    calls++;
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

NOINLINE static uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t hanoi_moves;
static uint32_t hanoi_hash;
NOINLINE static void hanoi(int n, int from, int to, int via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_hash = hanoi_hash * 7u + (uint32_t)(from * 3 + to);
    hanoi(n - 1, via, to, from);
}

NOINLINE static int is_odd(unsigned n);
NOINLINE static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
NOINLINE static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static int queens_cols[10];
NOINLINE static int queens(int row, int n)
{
    if (row == n)
        return 1;
    int count = 0;
    for (int c = 0; c < n; c++) {
        int ok = 1;
        for (int r = 0; r < row; r++) {
            int d = queens_cols[r] - c;
            if (d == 0 || d == row - r || d == r - row) { ok = 0; break; }
        }
        if (ok) {
            queens_cols[row] = c;
            count += queens(row + 1, n);
        }
    }
    return count;
}

static char perm_buf[8];
static int perm_count;
NOINLINE static void permute(char *s, int k, int n)
{
    if (k == n) {
        if (perm_count < 6 || perm_count == 119)
            printf("  perm %3d: %s\n", perm_count, s);
        perm_count++;
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

/* expr := term (('+'|'-') term)* ; term := factor (('*'|'/'|'%') factor)* ;
 * factor := number | '(' expr ')' | '-' factor */
static const char *ep;
NOINLINE static long expr(void);
NOINLINE static long factor(void)
{
    while (*ep == ' ') ep++;
    if (*ep == '(') {
        ep++;
        long v = expr();
        while (*ep == ' ') ep++;
        if (*ep == ')') ep++;
        return v;
    }
    if (*ep == '-') {
        ep++;
        return -factor();
    }
    long v = 0;
    while (*ep >= '0' && *ep <= '9')
        v = v * 10 + (*ep++ - '0');
    return v;
}
NOINLINE static long term(void)
{
    long v = factor();
    for (;;) {
        while (*ep == ' ') ep++;
        char op = *ep;
        if (op != '*' && op != '/' && op != '%')
            return v;
        ep++;
        long r = factor();
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
}
NOINLINE static long expr(void)
{
    long v = term();
    for (;;) {
        while (*ep == ' ') ep++;
        char op = *ep;
        if (op != '+' && op != '-')
            return v;
        ep++;
        long r = term();
        v = op == '+' ? v + r : v - r;
    }
}

int main(void)
{
    printf("recursion\n");
    for (uint32_t m = 0; m <= 3; m++) {
        printf("ack(%lu, n):", (unsigned long)m);
        for (uint32_t n = 0; n <= (m == 3 ? 5u : 6u); n++)
            printf(" %lu", (unsigned long)ack(m, n));
        printf("\n");
    }
    printf("ack calls: %lu\n", calls);

    for (uint32_t n = 0; n <= 24; n += 4)
        printf("fib(%lu) = %lu\n", (unsigned long)n, (unsigned long)fib(n));

    hanoi(16, 0, 2, 1);
    printf("hanoi(16): %lu moves, hash %08lx\n", (unsigned long)hanoi_moves,
           (unsigned long)hanoi_hash);

    printf("is_even(1000) = %d, is_odd(777) = %d\n", is_even(1000), is_odd(777));

    for (int n = 1; n <= 8; n++)
        printf("queens(%d) = %d\n", n, queens(0, n));

    strcpy(perm_buf, "abcde");
    permute(perm_buf, 0, 5);
    printf("permutations of abcde: %d\n", perm_count);

    static const char *exprs[] = {
        "1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 5 - -3", "((((((7))))))",
        "2 * (3 + 4) * (5 - 6 * (7 - 8)) / 3", "-(-(-5)) + 10 % 4",
        "12345 * 6789 - (1000 * (999 - 998))",
    };
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        ep = exprs[i];
        printf("%s = %ld\n", exprs[i], expr());
    }
    return 3;
}

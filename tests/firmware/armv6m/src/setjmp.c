/*
 * setjmp — setjmp/longjmp: return values (including longjmp(..., 0) giving
 * 1), unwinding out of deep recursion, nested "try" blocks, preservation of
 * volatile locals and of the stack pointer.
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <setjmp.h>
#include <stdint.h>

static jmp_buf env;
static int depth_reached;

__attribute__((noinline)) static void dive(int depth, int limit)
{
    volatile unsigned char pad[24];
    pad[0] = (unsigned char)depth;
    depth_reached = depth + pad[0] - depth;
    if (depth == limit)
        longjmp(env, 1000 + depth);
    if (depth > limit)      /* never true; keeps a normal return path */
        return;
    dive(depth + 1, limit);
    pad[1] = 0;   /* not reached */
}

/* a chain of handlers emulating try/catch */
static jmp_buf *handler;
static int trace[16], ntrace;

__attribute__((noinline)) static void throw_(int code)
{
    longjmp(*handler, code);
}

__attribute__((noinline)) static int inner(int code)
{
    jmp_buf here, *saved = handler;
    int r = setjmp(here);
    if (r == 0) {
        handler = &here;
        trace[ntrace++] = 10;
        if (code)
            throw_(code);
        trace[ntrace++] = 11;
        handler = saved;
        return 0;
    }
    handler = saved;
    trace[ntrace++] = 20 + r;
    if (r >= 3)            /* rethrow to the outer handler */
        throw_(r * 10);
    return r;
}

__attribute__((noinline)) static uintptr_t sp_now(void)
{
    volatile char c;
    return (uintptr_t)&c;
}

int main(void)
{
    printf("setjmp\n");

    volatile int counter = 0;
    int r = setjmp(env);
    printf("setjmp returned %d (counter %d)\n", r, counter);
    if (counter < 3) {
        counter++;
        longjmp(env, counter * 7);
    }

    r = setjmp(env);
    if (r == 0)
        longjmp(env, 0);
    printf("longjmp(env, 0) made setjmp return %d\n", r);

    uintptr_t before = sp_now();
    r = setjmp(env);
    if (r == 0)
        dive(0, 200);
    uintptr_t after = sp_now();
    printf("unwound from depth %d: setjmp returned %d, stack restored: %s\n",
           depth_reached, r, before == after ? "yes" : "no");

    for (volatile int code = 0; code <= 4; code++) {
        jmp_buf outer;
        ntrace = 0;
        r = setjmp(outer);
        if (r == 0) {
            handler = &outer;
            int v = inner(code);
            trace[ntrace++] = 30 + v;
        } else {
            trace[ntrace++] = 40 + r;
        }
        printf("try(code=%d):", code);
        for (int i = 0; i < ntrace; i++)
            printf(" %d", trace[i]);
        printf("\n");
    }

    /* many round trips */
    volatile uint32_t acc = 0;
    volatile int i = 0;
    r = setjmp(env);
    acc = acc * 3u + (uint32_t)r;
    if (++i < 1000)
        longjmp(env, i);
    printf("1000 round trips, acc %08lx\n", (unsigned long)acc);
    return 0;
}

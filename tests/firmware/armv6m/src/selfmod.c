/*
 * selfmod — code that writes code: functions assembled at run time into a RAM
 * buffer, called until they are hot (so that a block translator compiles
 * them), then rewritten in place and called again.  Each rewrite must be seen
 * by the very next call: the translator drops the blocks of the 64-byte pages
 * a store touches.  After each rewrite the program executes DSB and ISB, as
 * ARMv6-M requires before new instructions are fetched (A3.5.3), so QEMU (not
 * precise about self-modifying code) gives the architectural answer.
 *
 * Cases: (1) patch an immediate; (2) turn an ADDS into a SUBS inside a loop;
 * (3) rewrite a loop's branch so that the function returns early
 * (after one pass); (4) overwrite a whole function with a different one; (5) copy a
 * function into a second buffer and run both copies.
 */
#include <stdio.h>
#include <stdint.h>

static uint16_t buf[128] __attribute__((aligned(64)));
static uint16_t buf2[32] __attribute__((aligned(64)));

typedef uint32_t (*fn_t)(uint32_t);

static fn_t as_fn(const uint16_t *p) { return (fn_t)((uintptr_t)p | 1u); }

static void sync_code(void) { __asm__ volatile("dsb\n\tisb" ::: "memory"); }

/* movs r1, #imm8 ; adds r0, r0, r1 ; bx lr */
static void emit_add_imm(uint16_t *p, uint32_t imm)
{
    p[0] = 0x2100 | (imm & 0xff);
    p[1] = 0x1840;
    p[2] = 0x4770;
}

/* r0 = n; loop: adds/subs r2, r2, r1 (r1 = 3); subs r0, #1; bne loop; movs r0, r2; bx lr */
static void emit_loop(uint16_t *p, int subtract)
{
    p[0] = 0x2200;                        /* movs r2, #0 */
    p[1] = 0x2103;                        /* movs r1, #3 */
    p[2] = subtract ? 0x1a52 : 0x1852;    /* subs r2, r2, r1 / adds r2, r2, r1 */
    p[3] = 0x3801;                        /* subs r0, #1 */
    p[4] = 0xd1fc;                        /* bne.n p+2 */
    p[5] = 0x0010;                        /* movs r0, r2 */
    p[6] = 0x4770;                        /* bx lr */
}

static uint32_t call_many(fn_t f, uint32_t arg, int times)
{
    uint32_t sum = 0;
    for (int i = 0; i < times; i++) sum += f(arg + (uint32_t)i);
    return sum;
}

int main(void)
{
    fn_t f = as_fn(buf);

    /* (1) an immediate */
    emit_add_imm(buf, 5);
    sync_code();
    printf("add5: %lu\n", (unsigned long)call_many(f, 0, 200));
    for (uint32_t imm = 6; imm < 40; imm += 11) {
        buf[0] = 0x2100 | imm;
        sync_code();
        printf("add%lu: %lu\n", (unsigned long)imm, (unsigned long)call_many(f, 0, 200));
    }

    /* (2) ADDS becomes SUBS inside a hot loop */
    emit_loop(buf, 0);
    sync_code();
    printf("loop add: %lu\n", (unsigned long)call_many(f, 10, 50));
    buf[2] = 0x1a52;
    sync_code();
    printf("loop sub: %lu\n", (unsigned long)call_many(f, 10, 50));

    /* (3) the loop's branch now skips to the bx lr after one pass */
    buf[4] = 0xd100;                      /* bne.n to the bx lr: returns n - 1 */
    sync_code();
    printf("loop once: %lu\n", (unsigned long)call_many(f, 10, 50));

    /* (4) a whole new function at the same address */
    emit_add_imm(buf, 100);
    sync_code();
    printf("add100: %lu\n", (unsigned long)call_many(f, 1, 100));

    /* (5) two copies */
    emit_loop(buf, 0);
    for (int i = 0; i < 7; i++) buf2[i] = buf[i];
    buf2[1] = 0x2107;                     /* movs r1, #7 in the copy */
    sync_code();
    printf("copies: %lu %lu\n", (unsigned long)call_many(f, 3, 100), (unsigned long)call_many(as_fn(buf2), 3, 100));
    return 0;
}

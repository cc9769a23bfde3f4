/*
 * svc — the SVCall exception: arguments and results passed through the
 * stacked exception frame, the SVC number decoded from the instruction at
 * the stacked PC, IPSR and EXC_RETURN inside the handler, registers that
 * the hardware restores (r0-r3, r12, LR, PC, xPSR incl. flags) versus
 * those the handler preserves, SVC from thread mode on the process stack
 * (EXC_RETURN 0xFFFFFFFD), and the 8-byte frame alignment rule (stacked
 * xPSR bit 9) when the stack is only 4-byte aligned.
 */
#include <stdio.h>
#include <stdint.h>
#include "m0.h"

volatile uint32_t last_excret, last_ipsr, last_frame, last_xpsr, last_pc;
volatile uint32_t svc_count;
volatile uint32_t probe_sp_before, probe_sp_after, probe_apsr_after;

extern void svc_regs_test(uint32_t out[9]);
extern void svc5_return(void);
extern void run_on_psp(uint32_t psp_top, void (*fn)(void));
extern void psp_probe(void);

void svc_dispatch(uint32_t *frame, uint32_t excret);
void svc_dispatch(uint32_t *frame, uint32_t excret)
{
    uint16_t insn = ((const uint16_t *)frame[6])[-1];
    uint32_t num = insn & 0xFFu;
    svc_count++;
    last_excret = excret;
    last_ipsr = get_ipsr();
    last_frame = (uint32_t)frame;
    last_xpsr = frame[7];
    last_pc = frame[6];
    switch (num) {
    case 0:
        frame[0] = frame[0] + frame[1];
        break;
    case 1:
        frame[0] = frame[0] + frame[1] + frame[2] + frame[3];
        break;
    case 2:
        frame[0] = get_ipsr();
        frame[1] = excret;
        break;
    case 3:
        break;
    case 5:
        frame[0] = frame[0] + frame[1] + frame[2] + frame[3];
        frame[1] = frame[4];            /* stacked r12 */
        frame[2] = ~frame[2];
        break;
    case 42:
        frame[0] = insn;
        break;
    default:
        frame[0] = 0xBAD0BAD0u;
        break;
    }
}

static uint32_t svc_add(uint32_t a, uint32_t b)
{
    register uint32_t r0 __asm__("r0") = a;
    register uint32_t r1 __asm__("r1") = b;
    __asm__ volatile("svc #0" : "+r"(r0), "+r"(r1) : : "r2", "r3", "r12", "memory");
    return r0;
}

static uint32_t svc_sum4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    register uint32_t r0 __asm__("r0") = a;
    register uint32_t r1 __asm__("r1") = b;
    register uint32_t r2 __asm__("r2") = c;
    register uint32_t r3 __asm__("r3") = d;
    __asm__ volatile("svc #1" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "r12", "memory");
    return r0;
}

static void svc_info(uint32_t *ipsr, uint32_t *excret)
{
    register uint32_t r0 __asm__("r0") = 0;
    register uint32_t r1 __asm__("r1") = 0;
    __asm__ volatile("svc #2" : "+r"(r0), "+r"(r1) : : "r2", "r3", "r12", "memory");
    *ipsr = r0;
    *excret = r1;
}

static uint32_t svc_42(void)
{
    register uint32_t r0 __asm__("r0") = 0;
    __asm__ volatile("svc #42" : "+r"(r0) : : "r1", "r2", "r3", "r12", "memory");
    return r0;
}

static uint32_t psp_stack[128] __attribute__((aligned(8)));

static void psp_case(const char *what, uint32_t top)
{
    probe_sp_before = probe_sp_after = 0;
    run_on_psp(top, psp_probe);
    printf("PSP %s: EXC_RETURN %08lx, frame at sp-%lu, stacked xPSR %08lx, "
           "sp restored %s, APSR after %08lx\n", what, (unsigned long)last_excret,
           (unsigned long)(probe_sp_before - last_frame), (unsigned long)last_xpsr,
           probe_sp_after == probe_sp_before ? "yes" : "no",
           (unsigned long)probe_apsr_after);
}

int main(void)
{
    printf("svc\n");
    printf("svc #0 add(40, 2) = %lu\n", (unsigned long)svc_add(40, 2));
    printf("svc #1 sum(1, 2, 3, 4) = %lu\n", (unsigned long)svc_sum4(1, 2, 3, 4));
    printf("svc #0 add(0xffffffff, 2) = %lu\n", (unsigned long)svc_add(0xFFFFFFFFu, 2));

    uint32_t ipsr, excret;
    svc_info(&ipsr, &excret);
    printf("svc #2 in handler: IPSR = %lu, EXC_RETURN = %08lx; after: IPSR = %lu\n",
           (unsigned long)ipsr, (unsigned long)excret, (unsigned long)get_ipsr());
    printf("svc #42: handler read instruction %04lx\n", (unsigned long)svc_42());

    uint32_t out[9];
    svc_regs_test(out);
    printf("svc #5: r0=%08lx r1=%08lx r2=%08lx r3=%08lx r12=%08lx\n",
           (unsigned long)out[0], (unsigned long)out[1], (unsigned long)out[2],
           (unsigned long)out[3], (unsigned long)out[4]);
    printf("svc #5: r4-r6 preserved: %s, stacked PC is the return address: %s\n",
           out[5] == 0x44444444u && out[6] == 0x55555555u && out[7] == 0x66666666u
               ? "yes" : "no",
           last_pc == ((uint32_t)svc5_return & ~1u) ? "yes" : "no");
    printf("svc #5: stacked xPSR T bit %lu, IPSR field %lu\n",
           (unsigned long)(last_xpsr >> 24 & 1), (unsigned long)(last_xpsr & 0x3F));

    psp_case("8-byte aligned", (uint32_t)&psp_stack[128]);
    psp_case("4 mod 8      ", (uint32_t)&psp_stack[127]);
    printf("back on MSP: CONTROL = %lu\n", (unsigned long)get_control());
    printf("svc calls handled: %lu\n", (unsigned long)svc_count);
    return 0;
}

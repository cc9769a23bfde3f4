/*
 * timing — cycle counts of known instruction sequences measured with
 * SysTick (processor clock, CLKSOURCE=1).  Runs meaningfully only on a
 * cycle-counting emulator (circuitemu's test-m0): QEMU is not cycle
 * accurate, so there the program merely has to finish.
 *
 * Each line is "<sequence>: <cycles>", the measured count minus the
 * measurement overhead (t_empty: the cycles of one LDR from SYST_CVR, itself
 * printed first).  The expected values are in timing.trm.txt, taken from
 * the ARM Cortex-M0+ Technical Reference Manual r0p1 (DDI 0484C), Table 3-1
 * "Cortex-M0+ instruction summary" (zero wait state memory).
 */
#include <stdio.h>
#include <stdint.h>
#include "m0.h"

typedef uint32_t (*timed_fn)(void);
extern uint32_t t_empty(void), t_nop(void), t_adds(void), t_alu_mix(void),
    t_shifts(void), t_muls(void), t_extend(void), t_mov_high(void), t_ldr(void),
    t_ldr_sp(void), t_ldrb_reg(void), t_ldr_lit(void), t_str(void),
    t_strh_reg(void), t_ldm(void), t_stm(void), t_push_pop4(void),
    t_push_pop1(void), t_add_sp(void), t_bcc_taken(void), t_bcc_not_taken(void),
    t_b(void), t_bl(void), t_bx(void), t_mov_pc(void), t_blx_bx(void),
    t_bl_push_pop_pc(void), t_bl_push5_pop5_pc(void), t_mrs(void), t_msr(void),
    t_cps(void), t_barriers(void);

static const struct { const char *label; timed_fn fn; } seqs[] = {
    {"100 x NOP", t_nop},
    {"100 x ADDS Rd,Rd,#imm", t_adds},
    {"10 x (SUBS ADCS SBCS EORS ORRS ANDS BICS MVNS CMP TST)", t_alu_mix},
    {"20 x (LSLS #imm, LSRS Rs, ASRS #imm, RORS Rs, LSLS Rs)", t_shifts},
    {"100 x MULS (single-cycle multiplier)", t_muls},
    {"25 x (SXTB UXTH REV REV16)", t_extend},
    {"100 x MOV R8,Rm", t_mov_high},
    {"100 x LDR Rt,[Rn]", t_ldr},
    {"100 x LDR Rt,[SP,#imm]", t_ldr_sp},
    {"100 x LDRB Rt,[Rn,Rm]", t_ldrb_reg},
    {"50 x LDR Rt,[PC,#imm]", t_ldr_lit},
    {"100 x STR Rt,[SP,#imm]", t_str},
    {"100 x STRH Rt,[Rn,Rm]", t_strh_reg},
    {"20 x LDM Rn!,{4 regs}", t_ldm},
    {"20 x STM Rn!,{4 regs}", t_stm},
    {"20 x (PUSH {r4-r7}, POP {r4-r7})", t_push_pop4},
    {"50 x (PUSH {r0}, POP {r0})", t_push_pop1},
    {"50 x (SUB SP,#imm, ADD SP,#imm)", t_add_sp},
    {"100 x B<cc> taken", t_bcc_taken},
    {"100 x B<cc> not taken", t_bcc_not_taken},
    {"100 x B", t_b},
    {"50 x BL", t_bl},
    {"25 x (ADR, ADDS, BX)", t_bx},
    {"25 x (ADR, MOV PC,Rm)", t_mov_pc},
    {"25 x (BLX Rm -> BX LR)", t_blx_bx},
    {"20 x (BL -> PUSH {LR}, POP {PC})", t_bl_push_pop_pc},
    {"20 x (BL -> PUSH {r4-r7,LR}, POP {r4-r7,PC})", t_bl_push5_pop5_pc},
    {"50 x MRS Rd,PRIMASK", t_mrs},
    {"50 x MSR PRIMASK,Rn", t_msr},
    {"50 x (CPSID i, CPSIE i)", t_cps},
    {"10 x (DMB, DSB, ISB)", t_barriers},
};

int main(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0x00FFFFFFu;          /* full 24-bit period: deltas wrap mod 2^24 */
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;

    printf("timing (cycles, Cortex-M0+ TRM r0p1 Table 3-1)\n");
    uint32_t base = t_empty() & 0x00FFFFFFu;
    printf("overhead (one LDR from SYST_CVR): %lu\n", (unsigned long)base);
    for (unsigned i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        uint32_t raw = seqs[i].fn() & 0x00FFFFFFu;
        printf("%s: %lu\n", seqs[i].label, (unsigned long)((raw - base) & 0x00FFFFFFu));
    }
    SYST_CSR = 0;
    return 0;
}

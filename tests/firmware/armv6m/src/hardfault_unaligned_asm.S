/*
 * hardfault_unaligned_asm.S — HardFault entry and unaligned accesses for
 * hardfault_unaligned.c.  ARMv6-M does not support unaligned accesses: an
 * unaligned LDR/STRH/LDM faults (HardFault) and does not access memory.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

#include "hardfault_entry.inc"

/* uint32_t unaligned_ldr(const void *p): LDR r0, [r0] */
        .section .text.unaligned_ldr, "ax", %progbits
        .global unaligned_ldr
        .global ldr_site
        .thumb_func
        .type   unaligned_ldr, %function
unaligned_ldr:
        mov     r1, r0
        ldr     r0, =0x0BADBAD0
ldr_site:
        ldr     r0, [r1]
        bx      lr
        .pool
        .size   unaligned_ldr, . - unaligned_ldr

/* void unaligned_strh(void *p, uint32_t v): STRH r1, [r0] */
        .section .text.unaligned_strh, "ax", %progbits
        .global unaligned_strh
        .global strh_site
        .thumb_func
        .type   unaligned_strh, %function
unaligned_strh:
strh_site:
        strh    r1, [r0]
        bx      lr
        .size   unaligned_strh, . - unaligned_strh

/* void unaligned_ldm(const void *p): LDM r0!, {r1, r2} — the handler exits */
        .section .text.unaligned_ldm, "ax", %progbits
        .global unaligned_ldm
        .global ldm_site
        .thumb_func
        .type   unaligned_ldm, %function
unaligned_ldm:
ldm_site:
        ldm     r0!, {r1, r2}
        bx      lr
        .size   unaligned_ldm, . - unaligned_ldm

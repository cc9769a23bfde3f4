/*
 * hardfault_udf_asm.S — HardFault entry and the faulting code for
 * hardfault_udf.c.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

#include "hardfault_entry.inc"

/* uint32_t do_udf(void): load recognisable values into r0-r3 and r12 and
 * execute UDF #0x42.  The handler resumes after it; r0 is then returned
 * (the handler rewrites the stacked r0). */
        .section .text.do_udf, "ax", %progbits
        .global do_udf
        .global udf_site
        .thumb_func
        .type   do_udf, %function
do_udf:
        push    {r4, lr}
        ldr     r4, =0xC0C0C0C0
        mov     r12, r4
        ldr     r0, =0xA0A0A0A0
        ldr     r1, =0xA1A1A1A1
        ldr     r2, =0xA2A2A2A2
        ldr     r3, =0xA3A3A3A3
udf_site:
        udf     #0x42
        pop     {r4, pc}
        .pool
        .size   do_udf, . - do_udf

/* void do_udf_final(void): a second UDF from which the handler exits. */
        .section .text.do_udf_final, "ax", %progbits
        .global do_udf_final
        .global udf_final_site
        .thumb_func
        .type   do_udf_final, %function
do_udf_final:
        push    {r4, lr}
udf_final_site:
        udf     #0xFE
        pop     {r4, pc}
        .size   do_udf_final, . - do_udf_final

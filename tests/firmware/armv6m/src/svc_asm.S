/*
 * svc_asm.S — SVC handler entry and register-level helpers for svc.c.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

/* SVC_Handler: find the exception frame (MSP or PSP, from EXC_RETURN bit 2)
 * and tail-call svc_dispatch(frame, exc_return).  svc_dispatch returns with
 * LR still holding EXC_RETURN (or pops it into PC), which performs the
 * exception return. */
        .section .text.SVC_Handler, "ax", %progbits
        .global SVC_Handler
        .thumb_func
        .type   SVC_Handler, %function
SVC_Handler:
        movs    r0, #4
        mov     r1, lr
        tst     r0, r1
        bne     1f
        mrs     r0, msp
        b       2f
1:      mrs     r0, psp
2:      ldr     r2, =svc_dispatch
        bx      r2
        .pool
        .size   SVC_Handler, . - SVC_Handler

/* void svc_regs_test(uint32_t out[9]): load known values into r0-r6 and
 * r12, execute SVC #5 and store what the registers hold afterwards:
 * out = {r0, r1, r2, r3, r12, r4, r5, r6, APSR}. */
        .section .text.svc_regs_test, "ax", %progbits
        .global svc_regs_test
        .global svc5_return
        .thumb_func
        .type   svc_regs_test, %function
svc_regs_test:
        push    {r4-r7, lr}
        mov     r7, r0
        ldr     r4, =0x5c5c5c5c
        mov     r12, r4
        ldr     r0, =0x10101010
        ldr     r1, =0x21212121
        ldr     r2, =0x32323232
        ldr     r3, =0x43434343
        ldr     r4, =0x44444444
        ldr     r5, =0x55555555
        ldr     r6, =0x66666666
        movs    r0, r0                  /* N=0 Z=0; keep C/V from below */
        ldr     r0, =0x10101010
        svc     #5
svc5_return:
        str     r0, [r7, #0]
        str     r1, [r7, #4]
        str     r2, [r7, #8]
        str     r3, [r7, #12]
        mov     r0, r12
        str     r0, [r7, #16]
        str     r4, [r7, #20]
        str     r5, [r7, #24]
        str     r6, [r7, #28]
        mrs     r0, apsr
        str     r0, [r7, #32]
        pop     {r4-r7, pc}
        .pool
        .size   svc_regs_test, . - svc_regs_test

/* void run_on_psp(uint32_t psp_top, void (*fn)(void)): run fn in thread
 * mode on the process stack (CONTROL.SPSEL = 1), then switch back. */
        .section .text.run_on_psp, "ax", %progbits
        .global run_on_psp
        .thumb_func
        .type   run_on_psp, %function
run_on_psp:
        push    {r4, lr}
        mrs     r4, control
        msr     psp, r0
        movs    r2, #2
        orrs    r2, r4
        msr     control, r2
        isb
        blx     r1
        msr     control, r4
        isb
        pop     {r4, pc}
        .size   run_on_psp, . - run_on_psp

/* void psp_probe(void): records SP before and after an SVC #3 issued with
 * flags N=1 Z=0 C=0 V=0, and the APSR after it. */
        .section .text.psp_probe, "ax", %progbits
        .global psp_probe
        .thumb_func
        .type   psp_probe, %function
psp_probe:
        push    {r4, lr}
        mov     r4, sp
        ldr     r0, =probe_sp_before
        str     r4, [r0]
        movs    r0, #0
        cmp     r0, #1                  /* 0 - 1: N=1 Z=0 C=0 V=0 */
        svc     #3
        mrs     r1, apsr
        mov     r4, sp
        ldr     r0, =probe_sp_after
        str     r4, [r0]
        ldr     r0, =probe_apsr_after
        str     r1, [r0]
        pop     {r4, pc}
        .pool
        .size   psp_probe, . - psp_probe

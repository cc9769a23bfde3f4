/*
 * pendsv_asm.S — a minimal PendSV context switch for pendsv.c.
 *
 * Each task has a TCB: { r4, r5, r6, r7, r8, r9, r10, r11, psp, exc_return }.
 * The outgoing context's callee-saved registers, PSP and EXC_RETURN are
 * saved in its TCB; pendsv_pick(current) returns the next TCB, whose state
 * is restored; returning with its EXC_RETURN resumes it on MSP (the main
 * program, 0xFFFFFFF9) or PSP (a task, 0xFFFFFFFD).
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

        .section .text.PendSV_Handler, "ax", %progbits
        .global PendSV_Handler
        .thumb_func
        .type   PendSV_Handler, %function
PendSV_Handler:
        ldr     r0, =current_tcb
        ldr     r0, [r0]
        cmp     r0, #0
        beq     plain                   /* no switching: just log */
        stmia   r0!, {r4-r7}
        mov     r4, r8
        mov     r5, r9
        mov     r6, r10
        mov     r7, r11
        stmia   r0!, {r4-r7}
        mrs     r1, psp
        str     r1, [r0]
        mov     r1, lr
        str     r1, [r0, #4]
        subs    r0, r0, #32
        bl      pendsv_pick             /* r0 = next TCB (also stored) */
        ldr     r1, [r0, #32]
        msr     psp, r1
        ldr     r2, [r0, #36]
        mov     lr, r2
        adds    r0, r0, #16
        ldmia   r0!, {r4-r7}
        mov     r8, r4
        mov     r9, r5
        mov     r10, r6
        mov     r11, r7
        subs    r0, r0, #32
        ldmia   r0!, {r4-r7}
        bx      lr
plain:
        push    {r4, lr}
        bl      pendsv_plain
        pop     {r4, pc}                /* exception return via POP {pc} */
        .pool
        .size   PendSV_Handler, . - PendSV_Handler

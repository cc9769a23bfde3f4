/*
 * timing_asm.S — instruction sequences timed with SysTick for timing.c.
 *
 * Every function has the same shape:
 *     <save registers, set up operands>
 *     ldr  r1, [r3]        @ t0 = SYST_CVR   (r3 = &SYST_CVR)
 *     <sequence under test>
 *     ldr  r2, [r3]        @ t1 = SYST_CVR
 *     r0 = t0 - t1         @ SysTick counts down, one step per core clock
 * so the result is the sequence's cycle count plus the cycles of the first
 * LDR; t_empty measures that overhead and timing.c subtracts it.  The
 * sequences are written out here (with .rept) so that no compiler can
 * change them; they must preserve r1 and r3 and leave SP as they found it.
 *
 * Expected counts: ARM Cortex-M0+ Technical Reference Manual r0p1
 * (DDI 0484C), Table 3-1 "Cortex-M0+ instruction summary" (zero wait
 * states) — see timing.trm.txt.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

        .equ    SYST_CVR, 0xE000E018

        .macro  BEGIN name
        .section .text.\name, "ax", %progbits
        .balign 4
        .global \name
        .thumb_func
        .type   \name, %function
\name:
        push    {r4-r7, lr}
        mov     r4, r8
        mov     r5, r9
        mov     r6, r10
        mov     r7, r11
        push    {r4-r7}
        ldr     r3, =SYST_CVR
        .endm

        .macro  T0
        ldr     r1, [r3]
        .endm

        .macro  T1
        ldr     r2, [r3]
        .endm

        .macro  END name
        subs    r0, r1, r2
        pop     {r4-r7}
        mov     r8, r4
        mov     r9, r5
        mov     r10, r6
        mov     r11, r7
        pop     {r4-r7, pc}
        .pool
        .size   \name, . - \name
        .endm

/* ---- helpers called by the sequences ---------------------------------- */
        .section .text.timing_stubs, "ax", %progbits
        .balign 4
        .thumb_func
ret_stub:                               /* BX LR */
        bx      lr
        .thumb_func
push_lr_pop_pc_stub:                    /* PUSH {LR}; POP {PC} */
        push    {lr}
        pop     {pc}
        .thumb_func
push5_pop5_pc_stub:                     /* PUSH {r4-r7,LR}; POP {r4-r7,PC} */
        push    {r4-r7, lr}
        pop     {r4-r7, pc}

        .bss
        .balign 8
ldm_buf:
        .space  400
        .text

/* ---- the sequences ---------------------------------------------------- */
        BEGIN   t_empty
        T0
        T1
        END     t_empty

        BEGIN   t_nop
        T0
        .rept   100
        nop
        .endr
        T1
        END     t_nop

        BEGIN   t_adds
        movs    r0, #0
        T0
        .rept   100
        adds    r0, r0, #1
        .endr
        T1
        END     t_adds

        BEGIN   t_alu_mix
        movs    r0, #5
        movs    r2, #3
        T0
        .rept   10
        subs    r0, r0, r2
        adcs    r0, r2
        sbcs    r0, r2
        eors    r0, r2
        orrs    r0, r2
        ands    r0, r2
        bics    r0, r2
        mvns    r0, r2
        cmp     r0, r2
        tst     r0, r2
        .endr
        T1
        END     t_alu_mix

        BEGIN   t_shifts
        movs    r0, #5
        movs    r2, #3
        T0
        .rept   20
        lsls    r0, r2, #3
        lsrs    r0, r2
        asrs    r0, r0, #1
        rors    r0, r2
        lsls    r0, r2
        .endr
        T1
        END     t_shifts

        BEGIN   t_muls
        movs    r0, #3
        movs    r2, #7
        T0
        .rept   100
        muls    r0, r2, r0
        .endr
        T1
        END     t_muls

        BEGIN   t_extend
        ldr     r2, =0x12345678
        T0
        .rept   25
        sxtb    r0, r2
        uxth    r0, r2
        rev     r0, r2
        rev16   r0, r2
        .endr
        T1
        END     t_extend

        BEGIN   t_mov_high
        movs    r0, #1
        T0
        .rept   100
        mov     r8, r0
        .endr
        T1
        END     t_mov_high

        BEGIN   t_ldr
        mov     r4, sp
        T0
        .rept   100
        ldr     r0, [r4]
        .endr
        T1
        END     t_ldr

        BEGIN   t_ldr_sp
        T0
        .rept   100
        ldr     r0, [sp, #4]
        .endr
        T1
        END     t_ldr_sp

        BEGIN   t_ldrb_reg
        mov     r4, sp
        movs    r5, #1
        T0
        .rept   100
        ldrb    r0, [r4, r5]
        .endr
        T1
        END     t_ldrb_reg

        BEGIN   t_ldr_lit
        T0
        .rept   50
        ldr     r0, =0x12345678
        .endr
        T1
        END     t_ldr_lit

        BEGIN   t_str
        sub     sp, sp, #8
        movs    r0, #9
        T0
        .rept   100
        str     r0, [sp, #0]
        .endr
        T1
        add     sp, sp, #8
        END     t_str

        BEGIN   t_strh_reg
        sub     sp, sp, #8
        mov     r4, sp
        movs    r5, #2
        T0
        .rept   100
        strh    r0, [r4, r5]
        .endr
        T1
        add     sp, sp, #8
        END     t_strh_reg

        BEGIN   t_ldm
        ldr     r4, =ldm_buf
        T0
        .rept   20
        ldm     r4!, {r0, r2, r5, r6}
        .endr
        T1
        END     t_ldm

        BEGIN   t_stm
        ldr     r4, =ldm_buf
        T0
        .rept   20
        stm     r4!, {r0, r2, r5, r6}
        .endr
        T1
        END     t_stm

        BEGIN   t_push_pop4
        T0
        .rept   20
        push    {r4-r7}
        pop     {r4-r7}
        .endr
        T1
        END     t_push_pop4

        BEGIN   t_push_pop1
        T0
        .rept   50
        push    {r0}
        pop     {r0}
        .endr
        T1
        END     t_push_pop1

        BEGIN   t_add_sp
        T0
        .rept   50
        sub     sp, sp, #8
        add     sp, sp, #8
        .endr
        T1
        END     t_add_sp

        BEGIN   t_bcc_taken
        movs    r0, #0
        cmp     r0, #0                  /* Z = 1 */
        T0
        .rept   100
        beq     1f
1:
        .endr
        T1
        END     t_bcc_taken

        BEGIN   t_bcc_not_taken
        movs    r0, #0
        cmp     r0, #0                  /* Z = 1 */
        T0
        .rept   100
        bne     1f
1:
        .endr
        T1
        END     t_bcc_not_taken

        BEGIN   t_b
        T0
        .rept   100
        b       1f
1:
        .endr
        T1
        END     t_b

        BEGIN   t_bl
        T0
        .rept   50
        bl      1f
1:
        .endr
        T1
        END     t_bl

        BEGIN   t_bx
        T0
        .rept   25
        adr     r0, 1f
        adds    r0, r0, #1
        bx      r0
        .balign 4
1:
        .endr
        T1
        END     t_bx

        BEGIN   t_mov_pc
        T0
        .rept   25
        adr     r0, 1f
        mov     pc, r0
        .balign 4
1:
        .endr
        T1
        END     t_mov_pc

        BEGIN   t_blx_bx
        ldr     r4, =ret_stub
        T0
        .rept   25
        blx     r4
        .endr
        T1
        END     t_blx_bx

        BEGIN   t_bl_push_pop_pc
        T0
        .rept   20
        bl      push_lr_pop_pc_stub
        .endr
        T1
        END     t_bl_push_pop_pc

        BEGIN   t_bl_push5_pop5_pc
        T0
        .rept   20
        bl      push5_pop5_pc_stub
        .endr
        T1
        END     t_bl_push5_pop5_pc

        BEGIN   t_mrs
        T0
        .rept   50
        mrs     r0, primask
        .endr
        T1
        END     t_mrs

        BEGIN   t_msr
        movs    r0, #0
        T0
        .rept   50
        msr     primask, r0
        .endr
        T1
        END     t_msr

        BEGIN   t_cps
        T0
        .rept   50
        cpsid   i
        cpsie   i
        .endr
        T1
        END     t_cps

        BEGIN   t_barriers
        T0
        .rept   10
        dmb
        dsb
        isb
        .endr
        T1
        END     t_barriers

/*
 * startup.S — vector table and reset code shared by every ARMv6-M test
 * program (circuitemu `test-m0` board and QEMU `-M microbit`).
 *
 * The C runtime start-up is newlib's own rdimon crt0 (`_start` in
 * rdimon-crt0.o, pulled in by --specs=rdimon.specs).  That crt0 was written
 * for targets that are loaded straight into RAM: it zeroes .bss, but it never
 * copies .data from a load address.  On a flash-booted Cortex-M the initial
 * values of .data (e.g. newlib's `_impure_ptr`, `__heap_limit` and rdimon's
 * "extension not yet probed" flags) live in flash, so Reset_Handler copies
 * them to RAM first and then jumps to rdimon's `_start`.  Nothing else is
 * added to rdimon's start-up.
 *
 * Every exception/IRQ handler defaults (weakly) to Default_Handler, which
 * exits through semihosting with status 128 + the exception number, so an
 * unexpected exception is visible in the exit code.
 */
        .syntax unified
        .cpu cortex-m0plus
        .thumb

        .section .vectors, "a", %progbits
        .align 2
        .global __vectors
__vectors:
        .word   __stack                 /*  0: initial MSP        */
        .word   Reset_Handler           /*  1: reset              */
        .word   NMI_Handler             /*  2: NMI                */
        .word   HardFault_Handler       /*  3: HardFault          */
        .word   0, 0, 0, 0, 0, 0, 0     /*  4-10: reserved        */
        .word   SVC_Handler             /* 11: SVCall             */
        .word   0, 0                    /* 12-13: reserved        */
        .word   PendSV_Handler          /* 14: PendSV             */
        .word   SysTick_Handler         /* 15: SysTick            */
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .word   IRQ\n\()_Handler        /* 16+n: external IRQ n  */
        .endr
        .size   __vectors, . - __vectors

        .section .text.reset, "ax", %progbits
        .align 1
        .global Reset_Handler
        .thumb_func
        .type   Reset_Handler, %function
Reset_Handler:
        ldr     r0, =__data_start__
        ldr     r1, =__data_end__
        ldr     r2, =__data_load__
1:      cmp     r0, r1
        bhs     2f
        ldr     r3, [r2]
        str     r3, [r0]
        adds    r0, r0, #4
        adds    r2, r2, #4
        b       1b
2:      ldr     r0, =_start             /* newlib rdimon crt0 */
        bx      r0
        .pool
        .size   Reset_Handler, . - Reset_Handler

        .global Default_Handler
        .thumb_func
        .type   Default_Handler, %function
Default_Handler:
        mrs     r0, ipsr
        adds    r0, r0, #128
        bl      _exit
        b       .
        .size   Default_Handler, . - Default_Handler

        .macro  weak_handler name
        .weak   \name
        .thumb_set \name, Default_Handler
        .endm

        weak_handler NMI_Handler
        weak_handler HardFault_Handler
        weak_handler SVC_Handler
        weak_handler PendSV_Handler
        weak_handler SysTick_Handler
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        weak_handler IRQ\n\()_Handler
        .endr

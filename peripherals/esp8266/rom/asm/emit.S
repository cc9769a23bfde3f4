/*
 * Character output through the firmware's putc1 (ets_install_putc1), as the ROM's printf family
 * does (our code; position-independent, copied right after the SIMCALL of ets_printf,
 * ets_vprintf, ets_putc and ets_write_char). The SIMCALL handler has formatted the text into a
 * buffer and left a2 = buffer, a3 = length, a4 = putc1 (a3 = 0 when it wrote to UART0 itself).
 * Calls putc1(c) for each byte; returns the length in a2.
 */
  .text
  .global emit
emit:
  addi a1, a1, -32
  s32i a0, a1, 0
  s32i a12, a1, 4
  s32i a13, a1, 8
  s32i a14, a1, 12
  s32i a3, a1, 16
  mov a12, a2
  add a13, a2, a3
  mov a14, a4
  beq a12, a13, 2f
1:
  l8ui a2, a12, 0
  callx0 a14
  addi a12, a12, 1
  bne a12, a13, 1b
2:
  l32i a2, a1, 16
  l32i a0, a1, 0
  l32i a12, a1, 4
  l32i a13, a1, 8
  l32i a14, a1, 12
  addi a1, a1, 32
  ret

/*
 * The program the GDB server's LX106 tests debug (tests/gdb/xtensa.test.ts), on feather_huzzah.
 * fill_registers (assembly below) puts known values in every register at `registers_filled`:
 * a0 = 0, an = 0x11111111 * n for n = 2..15, SAR = 13, PS = 0x23 (UM,
 * INTLEVEL 3); a1 and the PS it replaced are saved in saved_sp/saved_ps. It then runs a CALL0
 * to `bump` and a backward-branch loop (`countdown`) for single-stepping, and restores
 * everything. The C loop reads and writes `counter` (watchpoints) through `twice`, a CALL0
 * function: counter ends at 1 + 3 + 5 + 7 + 9 = 25.
 */
int ets_printf(const char *fmt, ...);

volatile unsigned counter;
unsigned saved_sp, saved_ps;
void fill_registers(void);

__attribute__((noinline, noipa)) unsigned twice(unsigned x) { return 2 * x + 1; }

__asm__(
    "  .section .text.fill_registers, \"ax\"\n"
    "  .global fill_registers\n"
    "  .global registers_filled\n"
    "  .global bump\n"
    "  .global countdown\n"
    "  .align 4\n"
    "fill_registers:\n"
    "  addi a1, a1, -32\n"
    "  s32i a0, a1, 0\n"
    "  s32i a12, a1, 4\n"
    "  s32i a13, a1, 8\n"
    "  s32i a14, a1, 12\n"
    "  s32i a15, a1, 16\n"
    "  movi a3, saved_sp\n"
    "  s32i a1, a3, 0\n"
    "  movi a2, 0x23\n"
    "  xsr a2, ps\n"
    "  rsync\n"
    "  movi a3, saved_ps\n"
    "  s32i a2, a3, 0\n"
    "  ssai 13\n"
    "  movi a0, 0x00000000\n"
    "  movi a2, 0x22222222\n"
    "  movi a3, 0x33333333\n"
    "  movi a4, 0x44444444\n"
    "  movi a5, 0x55555555\n"
    "  movi a6, 0x66666666\n"
    "  movi a7, 0x77777777\n"
    "  movi a8, 0x88888888\n"
    "  movi a9, 0x99999999\n"
    "  movi a10, 0xaaaaaaaa\n"
    "  movi a11, 0xbbbbbbbb\n"
    "  movi a12, 0xcccccccc\n"
    "  movi a13, 0xdddddddd\n"
    "  movi a14, 0xeeeeeeee\n"
    "  movi a15, 0xffffffff\n"
    "registers_filled:\n"
    "  nop\n"
    "  call0 bump\n"
    "  movi a4, 3\n"
    "countdown:\n"
    "  addi a4, a4, -1\n"
    "  bnez a4, countdown\n"
    "  movi a3, saved_ps\n"
    "  l32i a2, a3, 0\n"
    "  wsr a2, ps\n"
    "  rsync\n"
    "  l32i a0, a1, 0\n"
    "  l32i a12, a1, 4\n"
    "  l32i a13, a1, 8\n"
    "  l32i a14, a1, 12\n"
    "  l32i a15, a1, 16\n"
    "  addi a1, a1, 32\n"
    "  ret.n\n"
    "  .align 4\n"
    "bump:\n"
    "  addi a2, a2, 1\n"
    "  ret.n\n");

extern char __bss_start[], __bss_end[];
void call_user_start(void) {
  for (char *p = __bss_start; p < __bss_end; p++) *p = 0;
  ets_printf("gdb-target start\n");
  fill_registers();
  for (unsigned i = 0; i < 5; i++) counter = counter + twice(i);
  ets_printf("gdb-target counter %u\nDONE\n", counter);
  for (;;) {}
}

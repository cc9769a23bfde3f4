/*
 * FRC1 interrupts through the (emulated) ROM: ets_isr_attach + ets_isr_unmask, the DPORT edge
 * enable, FRC1 auto-reload at 80 MHz / 16 every 1 ms; the handler counts ticks and clears
 * FRC1_INT. Expected output (tests/esp8266): "ticks 10" after about 10 ms, and the time
 * measured with WDEV_NOW between the first and the tenth tick.
 */
int ets_printf(const char *fmt, ...);
void ets_isr_attach(int line, void (*handler)(void *), void *arg);
void ets_isr_unmask(unsigned mask);

#define REG(a) (*(volatile unsigned *)(a))
#define EDGE_INT_ENABLE_REG REG(0x3ff00004)
#define WDEV_NOW REG(0x3ff20c00)
#define FRC1_LOAD REG(0x60000600)
#define FRC1_CTRL REG(0x60000608)
#define FRC1_INT REG(0x6000060c)

static volatile unsigned ticks, first, last;
extern char _vectors[];

static void frc1_isr(void *arg) {
  volatile unsigned *count = arg;
  FRC1_INT = 1;
  unsigned now = WDEV_NOW;
  if (++*count == 1) first = now;
  last = now;
}

extern char __bss_start[], __bss_end[];
void call_user_start(void) {
  for (char *p = __bss_start; p < __bss_end; p++) *p = 0;
  __asm__ volatile("wsr %0, vecbase" ::"r"(_vectors));
  ets_printf("timer-irq start\n");
  ets_isr_attach(9, frc1_isr, (void *)&ticks);
  ets_isr_unmask(1 << 9);
  EDGE_INT_ENABLE_REG |= 1 << 1;
  FRC1_CTRL = (1 << 7) | (1 << 6) | (1 << 2); /* enable, auto-reload, /16 */
  FRC1_LOAD = 5000;                           /* 1 ms at 5 MHz */
  while (ticks < 10) {}
  FRC1_CTRL = 0;
  ets_printf("ticks %u, first to last %u us\nDONE\n", ticks, last - first);
  for (;;) {}
}

/*
 * WS2812 ("NeoPixel") through I2S and the SLC DMA, as ESP8266 NeoPixel drivers do it
 * (NeoPixelBus's DMA method, Arduino's i2s): each WS2812 bit is 4 I2S bits, 1000 for a 0 and
 * 1110 for a 1, so one 32-bit I2S word carries one colour byte, MSB first. The bit clock is
 * 160 MHz / (I2S_CLKM_DIV_NUM 5 x I2S_BCK_DIV_NUM 10) = 3.2 MHz: an I2S bit is 312.5 ns, a
 * WS2812 bit 1.25 us (T0H 312.5 ns, T1H 937.5 ns). I2SO_DATA leaves on GPIO3 (U0RXD pad,
 * function 1).
 *
 * The SLC "RX" link loops a ring of two descriptors, both with eof set: the 8 pixels' 24 words,
 * then 136 zero words (1.36 ms low: the WS2812 latches after 50 us). The SLC interrupt (CPU line
 * 1, ETS_SLC_INUM) counts the EOFs per descriptor (SLC_RX_EOF_DES_ADDR) and stamps the pixel
 * descriptor's with WDEV_NOW (us). After 12 pixel-descriptor EOFs the program stops the link and
 * prints the counts and the time from the 2nd to the 12th: 10 rounds of the 160-word ring,
 * 10 x 160 x 32 bits / 3.2 MHz = 16000 us. (The 1st comes when the link starts: the DMA fills
 * the I2S FIFO at once, so it is not a ring after anything.)
 */
int ets_printf(const char *fmt, ...);
void ets_isr_attach(int line, void (*handler)(void *), void *arg);
void ets_isr_unmask(unsigned mask);
void rom_i2c_writeReg_Mask(int block, int host, int reg, int msb, int lsb, int data);

#define REG(a) (*(volatile unsigned *)(a))
#define WDEV_NOW REG(0x3ff20c00)
#define IO_MUX_U0RXD REG(0x60000814)
/* slc_register.h */
#define SLC_CONF0 REG(0x60000b00)
#define SLC_INT_STATUS REG(0x60000b08)
#define SLC_INT_ENA REG(0x60000b0c)
#define SLC_INT_CLR REG(0x60000b10)
#define SLC_RX_LINK REG(0x60000b24)
#define SLC_TX_LINK REG(0x60000b28)
#define SLC_RX_DSCR_CONF REG(0x60000b5c)
#define SLC_RX_EOF_DES_ADDR REG(0x60000b48)
#define SLC_RXLINK_RST (1u << 1)
#define SLC_TXLINK_RST (1u << 0)
#define SLC_MODE_S 12
#define SLC_RX_EOF_INT (1u << 17)
#define SLC_RXLINK_STOP (1u << 28)
#define SLC_RXLINK_START (1u << 29)
#define SLC_TXLINK_START (1u << 29)
#define SLC_LINK_DESCADDR_MASK 0xfffffu
#define SLC_INFOR_NO_REPLACE (1u << 17)
#define SLC_TOKEN_NO_REPLACE (1u << 16)
/* i2s_reg.h */
#define I2SCONF REG(0x60000e08)
#define I2SINT_CLR REG(0x60000e18)
#define I2S_FIFO_CONF REG(0x60000e20)
#define I2SCONF_CHAN REG(0x60000e2c)
#define I2S_I2S_RESET_MASK 0xfu
#define I2S_RIGHT_FIRST (1u << 6)
#define I2S_MSB_RIGHT (1u << 7)
#define I2S_I2S_TX_START (1u << 8)
#define I2S_TRANS_MSB_SHIFT (1u << 10)
#define I2S_RECE_MSB_SHIFT (1u << 11)
#define I2S_CLKM_DIV_NUM_S 16
#define I2S_BCK_DIV_NUM_S 22
#define I2S_I2S_DSCR_EN (1u << 12)
#define ETS_SLC_INUM 1

struct lldesc {
  unsigned blocksize : 12;
  unsigned datalen : 12;
  unsigned unused : 5;
  unsigned sub_sof : 1;
  unsigned eof : 1;
  unsigned owner : 1;
  unsigned *buf;
  struct lldesc *next;
};

#define PIXELS 8
#define ZERO_WORDS 136
static unsigned pixel_words[PIXELS * 3];
static unsigned zero_words[ZERO_WORDS];
static struct lldesc desc[2];
static volatile unsigned eof_pixels, eof_zeros, first_us, last_us;

/* Colours as 0xRRGGBB; the wire order is G, R, B. */
static const unsigned colours[PIXELS] = {0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xffffff, 0x000000, 0x800001, 0x0a0b0c};

static unsigned encode(unsigned byte) {
  unsigned w = 0;
  for (int i = 7; i >= 0; i--) w = (w << 4) | ((byte >> i) & 1 ? 0xe : 0x8);
  return w;
}

static void slc_isr(void *arg) {
  (void)arg;
  unsigned st = SLC_INT_STATUS;
  SLC_INT_CLR = 0xffffffff;
  if (st & SLC_RX_EOF_INT) {
    struct lldesc *d = (struct lldesc *)SLC_RX_EOF_DES_ADDR;
    if (d == &desc[0]) {
      unsigned now = WDEV_NOW;
      if (++eof_pixels == 2) first_us = now;
      last_us = now;
    } else if (d == &desc[1]) {
      eof_zeros++;
    }
  }
}

extern char _vectors[];
extern char __bss_start[], __bss_end[];
void call_user_start(void) {
  for (char *p = __bss_start; p < __bss_end; p++) *p = 0;
  __asm__ volatile("wsr %0, vecbase" ::"r"(_vectors));
  ets_printf("i2s-ws2812 start\n");
  for (int i = 0; i < PIXELS; i++) {
    unsigned c = colours[i];
    pixel_words[3 * i + 0] = encode((c >> 8) & 0xff);
    pixel_words[3 * i + 1] = encode((c >> 16) & 0xff);
    pixel_words[3 * i + 2] = encode(c & 0xff);
  }
  desc[0] = (struct lldesc){sizeof pixel_words, sizeof pixel_words, 0, 0, 1, 1, pixel_words, &desc[1]};
  desc[1] = (struct lldesc){sizeof zero_words, sizeof zero_words, 0, 0, 1, 1, zero_words, &desc[0]};

  /* SLC: reset the links, mode 1, descriptors from RAM. */
  SLC_CONF0 |= SLC_RXLINK_RST | SLC_TXLINK_RST;
  SLC_CONF0 &= ~(SLC_RXLINK_RST | SLC_TXLINK_RST);
  SLC_INT_CLR = 0xffffffff;
  SLC_CONF0 = (SLC_CONF0 & ~(3u << SLC_MODE_S)) | (1u << SLC_MODE_S);
  SLC_RX_DSCR_CONF |= SLC_INFOR_NO_REPLACE | SLC_TOKEN_NO_REPLACE;
  SLC_TX_LINK = (SLC_TX_LINK & ~SLC_LINK_DESCADDR_MASK) | ((unsigned)&desc[0] & SLC_LINK_DESCADDR_MASK);
  SLC_RX_LINK = (SLC_RX_LINK & ~SLC_LINK_DESCADDR_MASK) | ((unsigned)&desc[0] & SLC_LINK_DESCADDR_MASK);
  ets_isr_attach(ETS_SLC_INUM, slc_isr, 0);
  SLC_INT_ENA = SLC_RX_EOF_INT;
  SLC_INT_CLR = 0xffffffff;
  ets_isr_unmask(1 << ETS_SLC_INUM);

  /* I2SO_DATA on GPIO3: PIN_FUNC_SELECT(U0RXD, 1). */
  IO_MUX_U0RXD = (IO_MUX_U0RXD & ~0x130u) | 0x10u;
  /* The audio clock (I2S_CLK_ENABLE: bbpll block 0x67, reg 4 bit 7). */
  rom_i2c_writeReg_Mask(0x67, 4, 4, 7, 7, 1);
  I2SCONF &= ~I2S_I2S_RESET_MASK;
  I2SCONF |= I2S_I2S_RESET_MASK;
  I2SCONF &= ~I2S_I2S_RESET_MASK;
  I2S_FIFO_CONF = I2S_I2S_DSCR_EN; /* FIFO modes 0, DMA */
  I2SCONF_CHAN = 0;                /* both channels */
  I2SINT_CLR = 0x3f;
  I2SCONF = I2S_RIGHT_FIRST | I2S_MSB_RIGHT | I2S_RECE_MSB_SHIFT | I2S_TRANS_MSB_SHIFT | (10u << I2S_BCK_DIV_NUM_S) | (5u << I2S_CLKM_DIV_NUM_S);

  SLC_TX_LINK |= SLC_TXLINK_START;
  SLC_RX_LINK |= SLC_RXLINK_START;
  I2SCONF |= I2S_I2S_TX_START;

  while (eof_pixels < 12) {}
  SLC_RX_LINK |= SLC_RXLINK_STOP;
  I2SCONF &= ~I2S_I2S_TX_START;
  ets_printf("eof pixels %u zeros %u, 2nd to 12th %u us\nDONE\n", eof_pixels, eof_zeros, last_us - first_us);
  for (;;) {}
}

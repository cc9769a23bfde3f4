/*
 * periph_display.c — an ILI9341 TFT on SERCOM0 SPI, driven as a 4-wire serial display
 * (ILI9341 data sheet V1.11, 7.1.3 and chapter 8), on the CPX's edge pads:
 *   SERCOM0 SPI master, mode 0, MSB first, transmit only (RXEN off): MOSI PA06 (A2, PAD2) and
 *   SCK PA07 (A3, PAD3) = DOPO 1, function D; CS PA05 (A1) and D/C PB03 (A4) as GPIO.
 *   BAUD 1: 48 MHz / (2 x 2) = 12 MHz.
 *   1. SWRESET, SLPOUT, COLMOD 0x55 (16 bits per pixel), MADCTL 0x28 (MV | BGR: 320 x 240
 *      landscape, as CircuitPython's ILI9341 init sequences set it), DISPON.
 *   2. CASET 0..319, PASET 0..239, RAMWR of 320 x 240 pixels: quadrants red, green, blue, white.
 *   3. A 4 x 2 window at (100, 100) in magenta, half by RAMWR and half by RAMWRC (3Ch).
 * D/C and CS change only after TXC (the last byte has left the shift register).
 */
#include "periph.h"

enum {
    R_CTRLA = 3,     /* SERCOM0 CTRLA as configured */
    R_BYTES,         /* bytes sent */
};

#define SPI 0
#define CS_GROUP 0
#define CS_PIN 5
#define DC_GROUP 1
#define DC_PIN 3

static uint32_t bytes;

static void spi_wait_done(void)
{
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_TXC, 1);
}

static void spi_write(uint8_t b)
{
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_DRE, 2);
    SERCOM_DATA(SPI) = b;
    bytes++;
}

/* One command byte (D/C low), then its parameters or pixels (D/C high), in one CS-low transfer. */
static void command(uint8_t code, const uint8_t *data, uint32_t n)
{
    PORT_OUTCLR(CS_GROUP) = 1u << CS_PIN;
    PORT_OUTCLR(DC_GROUP) = 1u << DC_PIN;
    spi_write(code);
    spi_wait_done();
    PORT_OUTSET(DC_GROUP) = 1u << DC_PIN;
    for (uint32_t i = 0; i < n; i++) spi_write(data[i]);
    spi_wait_done();
    PORT_OUTSET(CS_GROUP) = 1u << CS_PIN;
}

static void window(uint16_t x0, uint16_t y0, uint16_t x1, uint16_t y1)
{
    const uint8_t cols[4] = { x0 >> 8, x0 & 0xFF, x1 >> 8, x1 & 0xFF };
    const uint8_t rows[4] = { y0 >> 8, y0 & 0xFF, y1 >> 8, y1 & 0xFF };
    command(0x2A, cols, 4);
    command(0x2B, rows, 4);
}

static void spi_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_SERCOM(SPI);
    gclk_channel(GCLK_ID_SERCOM_CORE(SPI), 0);
    gclk_channel(GCLK_ID_SERCOMX_SLOW, 2);
    pin_function(0, 6, PMUX_D, 0);    /* MOSI, SERCOM0 PAD2 */
    pin_function(0, 7, PMUX_D, 0);    /* SCK,  SERCOM0 PAD3 */
    PORT_OUTSET(CS_GROUP) = 1u << CS_PIN;
    PORT_DIRSET(CS_GROUP) = 1u << CS_PIN;
    PORT_DIRSET(DC_GROUP) = 1u << DC_PIN;

    SERCOM_CTRLA(SPI) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_CTRLA(SPI) & SERCOM_CTRLA_SWRST), 4);
    SERCOM_CTRLA(SPI) = SERCOM_CTRLA_MODE(SERCOM_MODE_SPI_MASTER) | SPI_CTRLA_DOPO(1);
    SERCOM_CTRLB(SPI) = SPI_CTRLB_CHSIZE(0);
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_CTRLB), 5);
    SERCOM_BAUD8(SPI) = 1;
    SERCOM_CTRLA(SPI) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_ENABLE), 3);
    PR[R_CTRLA] = SERCOM_CTRLA(SPI);
}

/* RGB 5-6-5 colours. */
#define RED     0xF800
#define GREEN   0x07E0
#define BLUE    0x001F
#define WHITE   0xFFFF
#define MAGENTA 0xF81F

int main(void)
{
    periph_start();
    clocks_init();
    spi_init();
    STEP(1);
    static const uint8_t colmod = 0x55, madctl = 0x28;
    command(0x01, 0, 0);              /* SWRESET */
    command(0x11, 0, 0);              /* SLPOUT */
    command(0x3A, &colmod, 1);
    command(0x36, &madctl, 1);
    command(0x29, 0, 0);              /* DISPON */

    STEP(2);
    window(0, 0, 319, 239);
    PORT_OUTCLR(CS_GROUP) = 1u << CS_PIN;
    PORT_OUTCLR(DC_GROUP) = 1u << DC_PIN;
    spi_write(0x2C);                  /* RAMWR */
    spi_wait_done();
    PORT_OUTSET(DC_GROUP) = 1u << DC_PIN;
    for (uint32_t y = 0; y < 240; y++) {
        for (uint32_t x = 0; x < 320; x++) {
            uint16_t c = y < 120 ? (x < 160 ? RED : GREEN) : (x < 160 ? BLUE : WHITE);
            spi_write(c >> 8);
            spi_write(c & 0xFF);
        }
    }
    spi_wait_done();
    PORT_OUTSET(CS_GROUP) = 1u << CS_PIN;

    STEP(3);
    static const uint8_t four[8] = { MAGENTA >> 8, MAGENTA & 0xFF, MAGENTA >> 8, MAGENTA & 0xFF,
                                     MAGENTA >> 8, MAGENTA & 0xFF, MAGENTA >> 8, MAGENTA & 0xFF };
    window(100, 100, 103, 101);
    command(0x2C, four, 8);           /* RAMWR: the first row */
    command(0x3C, four, 8);           /* RAMWRC: the second */
    PR[R_BYTES] = bytes;
    periph_done();
    for (;;) { }
}

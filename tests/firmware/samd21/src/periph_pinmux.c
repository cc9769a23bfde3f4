/*
 * periph_pinmux.c — the negative cases of SERCOM pin multiplexing on the CPX (data sheet table 7-1,
 * 23.6.3.2): a SERCOM talks to the board's parts only through pins whose PINCFG.PMUXEN = 1 and
 * whose PMUX selects the function that carries it, on the pads its CTRLA pad options name.
 *   1. SERCOM3 SPI (DOPO 1, DIPO 0) with PA16/PA20/PA21 left as GPIO: the JEDEC ID reads FFFFFF.
 *   2. The same after muxing them to function D (MISO PAD0, MOSI PAD2, SCK PAD3): C84015.
 *   3. DOPO 0 (DO PAD0, SCK PAD1), pins still muxed: FFFFFF.
 *   4. DOPO 1 again but MISO PA16 on function C (SERCOM1/PAD0): FFFFFF.
 *   5. DOPO 1, PA16 back on D: C84015 again.
 *   6. SERCOM1 I2C with PA00/PA01 left as GPIO: addressing the LIS3DH (0x19) NACKs (RXNACK).
 *   7. After muxing them to function D (SDA PAD0, SCL PAD1): ACK.
 * Every byte still completes (RXC / MB), so no wait may time out (errors = 0).
 */
#include "periph.h"

enum {
    R_ID_GPIO = 3,        /* JEDEC ID per case, byte0 << 16 | byte1 << 8 | byte2 */
    R_ID_MUXED,
    R_ID_DOPO0,
    R_ID_MISO_C,
    R_ID_AGAIN,
    R_I2C_GPIO_STATUS,    /* SERCOM1 STATUS after addressing 0x19 with the pins as GPIO */
    R_I2C_MUXED_STATUS,   /* ... and with them muxed */
};

#define SPI 3
#define I2C 1
#define CS_GROUP 1
#define CS_PIN 22

static uint8_t spi_xfer(uint8_t out)
{
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_DRE, 1);
    SERCOM_DATA(SPI) = out;
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_RXC, 2);
    return (uint8_t)SERCOM_DATA(SPI);
}

/* Software reset, then SPI master with `dopo`, DIPO 0, 1 MHz, enabled. */
static void spi_config(uint32_t dopo)
{
    SERCOM_CTRLA(SPI) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_SWRST), 3);
    SERCOM_CTRLA(SPI) = SERCOM_CTRLA_MODE(SERCOM_MODE_SPI_MASTER) | SPI_CTRLA_DOPO(dopo) | SPI_CTRLA_DIPO(0);
    SERCOM_CTRLB(SPI) = SPI_CTRLB_RXEN;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_CTRLB), 4);
    SERCOM_BAUD8(SPI) = 23;
    SERCOM_CTRLA(SPI) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_ENABLE), 4);
}

static uint32_t jedec(void)
{
    PORT_OUTCLR(CS_GROUP) = 1u << CS_PIN;
    spi_xfer(0x9F);
    uint32_t id = (uint32_t)spi_xfer(0xFF) << 16;
    id |= (uint32_t)spi_xfer(0xFF) << 8;
    id |= spi_xfer(0xFF);
    PORT_OUTSET(CS_GROUP) = 1u << CS_PIN;
    return id;
}

static void sysop_sync(void) { WAIT(!(SERCOM_SYNCBUSY(I2C) & SERCOM_SYNCBUSY_CTRLB), 5); }

/* START + write address 0x19, then STOP; returns STATUS as it was after the address. */
static uint32_t i2c_probe(void)
{
    SERCOM_ADDR(I2C) = 0x19u << 1;
    sysop_sync();
    WAIT(SERCOM_INTFLAG(I2C) & (I2CM_INT_MB | I2CM_INT_SB), 6);
    uint32_t status = SERCOM_STATUS(I2C);
    SERCOM_CTRLB(I2C) |= I2CM_CTRLB_CMD(I2CM_CMD_STOP);
    sysop_sync();
    WAIT(((SERCOM_STATUS(I2C) >> 4) & 3) == I2CM_BUSSTATE_IDLE, 7);
    return status;
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    PM_APBCMASK |= PM_APBCMASK_SERCOM(SPI) | PM_APBCMASK_SERCOM(I2C);
    gclk_channel(GCLK_ID_SERCOM_CORE(SPI), 0);
    gclk_channel(GCLK_ID_SERCOM_CORE(I2C), 0);
    gclk_channel(GCLK_ID_SERCOMX_SLOW, 2);
    PORT_OUTSET(CS_GROUP) = 1u << CS_PIN;
    PORT_DIRSET(CS_GROUP) = 1u << CS_PIN;

    STEP(2);
    spi_config(1);
    PR[R_ID_GPIO] = jedec();
    pin_function(0, 16, PMUX_D, 1);
    pin_function(0, 20, PMUX_D, 0);
    pin_function(0, 21, PMUX_D, 0);
    PR[R_ID_MUXED] = jedec();
    spi_config(0);
    PR[R_ID_DOPO0] = jedec();
    spi_config(1);
    pin_function(0, 16, PMUX_C, 1);
    PR[R_ID_MISO_C] = jedec();
    pin_function(0, 16, PMUX_D, 1);
    PR[R_ID_AGAIN] = jedec();

    STEP(3);
    SERCOM_CTRLA(I2C) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_SYNCBUSY(I2C) & SERCOM_SYNCBUSY_SWRST), 8);
    SERCOM_CTRLA(I2C) = SERCOM_CTRLA_MODE(SERCOM_MODE_I2C_MASTER) | I2CM_CTRLA_SDAHOLD(2);
    SERCOM_CTRLB(I2C) = I2CM_CTRLB_SMEN;
    sysop_sync();
    SERCOM_BAUD32(I2C) = 55;
    SERCOM_CTRLA(I2C) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(I2C) & SERCOM_SYNCBUSY_ENABLE), 8);
    SERCOM_STATUS(I2C) = I2CM_STATUS_BUSSTATE(I2CM_BUSSTATE_IDLE);
    sysop_sync();
    PR[R_I2C_GPIO_STATUS] = i2c_probe();
    pin_function(0, 0, PMUX_D, 1);
    pin_function(0, 1, PMUX_D, 1);
    PR[R_I2C_MUXED_STATUS] = i2c_probe();

    STEP(4);
    periph_done();
    return 0;
}

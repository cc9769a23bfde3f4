/*
 * periph_i2c.c — SERCOM1 as I2C master (28) talking to the CPX's LIS3DH at 0x19:
 *   SDA PA00 (PAD0) and SCL PA01 (PAD1) on function D; GCLK0 48 MHz core clock, 400 kHz
 *   (BAUD = 48 MHz / 400 kHz / 2 - 5 = 55, BAUDLOW = 0), smart mode (reading DATA sends ACKACT),
 *   bus state forced to IDLE after enable. Register reads are write(sub-address), repeated START,
 *   read with ACK, NACK + STOP before the last byte.
 *   1. An address nobody answers (0x18) sets STATUS.RXNACK.
 *   2. WHO_AM_I (0x0F) = 0x33.
 *   3. CTRL_REG1 = 0x77 (400 Hz, X/Y/Z on), CTRL_REG4 = 0x88 (BDU, high resolution, +-2 g), wait for
 *      STATUS_REG.ZYXDA, read OUT_X_L..OUT_Z_H (0x28 | 0x80 auto-increment) as signed 16-bit.
 *   4. After the handshake (the test changes the acceleration), read them again.
 */
#include "periph.h"

enum {
    R_NACK_STATUS = 3,    /* STATUS after addressing 0x18 (RXNACK expected) */
    R_WHO_AM_I,
    R_CTRL_REG1,          /* read back */
    R_CTRL_REG4,
    R_STATUS_REG,         /* STATUS_REG when data was ready */
    R_X1, R_Y1, R_Z1,     /* signed 16-bit, left-justified, sign-extended */
    R_X2, R_Y2, R_Z2,
    R_BUSSTATE_IDLE,      /* STATUS.BUSSTATE after forcing IDLE / after a STOP */
    R_BUSSTATE_END,
    R_BAUD,
};

#define I2C 1
#define LIS3DH 0x19

static void sysop_sync(void) { WAIT(!(SERCOM_SYNCBUSY(I2C) & SERCOM_SYNCBUSY_CTRLB), 1); }

static void i2c_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_SERCOM(I2C);
    gclk_channel(GCLK_ID_SERCOM_CORE(I2C), 0);
    gclk_channel(GCLK_ID_SERCOMX_SLOW, 2);
    pin_function(0, 0, PMUX_D, 1);    /* SDA, SERCOM1 PAD0 */
    pin_function(0, 1, PMUX_D, 1);    /* SCL, SERCOM1 PAD1 */

    SERCOM_CTRLA(I2C) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_CTRLA(I2C) & SERCOM_CTRLA_SWRST), 2);
    WAIT(!(SERCOM_SYNCBUSY(I2C) & SERCOM_SYNCBUSY_SWRST), 2);
    SERCOM_CTRLA(I2C) = SERCOM_CTRLA_MODE(SERCOM_MODE_I2C_MASTER) | I2CM_CTRLA_SDAHOLD(2) | I2CM_CTRLA_SPEED(0);
    SERCOM_CTRLB(I2C) = I2CM_CTRLB_SMEN;
    sysop_sync();
    SERCOM_BAUD32(I2C) = 55;
    PR[R_BAUD] = SERCOM_BAUD32(I2C);
    SERCOM_CTRLA(I2C) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(I2C) & SERCOM_SYNCBUSY_ENABLE), 3);
    SERCOM_STATUS(I2C) = I2CM_STATUS_BUSSTATE(I2CM_BUSSTATE_IDLE);
    sysop_sync();
    PR[R_BUSSTATE_IDLE] = (SERCOM_STATUS(I2C) >> 4) & 3;
}

static void stop(void)
{
    SERCOM_CTRLB(I2C) |= I2CM_CTRLB_CMD(I2CM_CMD_STOP);
    sysop_sync();
}

/* START + address; returns 0 on ACK. Waits for MB (write) or SB (read with ACK). */
static int address(uint8_t addr, int read)
{
    SERCOM_ADDR(I2C) = (uint32_t)(addr << 1) | (read ? 1u : 0u);
    sysop_sync();
    WAIT(SERCOM_INTFLAG(I2C) & (I2CM_INT_MB | I2CM_INT_SB), 4);
    return (SERCOM_STATUS(I2C) & (I2CM_STATUS_RXNACK | I2CM_STATUS_BUSERR | I2CM_STATUS_ARBLOST)) != 0;
}

static int write_byte(uint8_t b)
{
    SERCOM_DATA(I2C) = b;
    sysop_sync();
    WAIT(SERCOM_INTFLAG(I2C) & I2CM_INT_MB, 5);
    return (SERCOM_STATUS(I2C) & I2CM_STATUS_RXNACK) != 0;
}

static void write_reg(uint8_t reg, uint8_t value)
{
    if (address(LIS3DH, 0)) FAIL(6);
    if (write_byte(reg)) FAIL(7);
    if (write_byte(value)) FAIL(7);
    stop();
}

static void read_regs(uint8_t reg, uint8_t *buf, uint32_t n)
{
    if (address(LIS3DH, 0)) FAIL(8);
    if (write_byte((uint8_t)(reg | (n > 1 ? 0x80 : 0)))) FAIL(9);
    SERCOM_CTRLB(I2C) &= ~I2CM_CTRLB_ACKACT;     /* ACK the bytes before the last */
    sysop_sync();
    if (address(LIS3DH, 1)) FAIL(10);            /* repeated START, read: first byte arrives (SB) */
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0) WAIT(SERCOM_INTFLAG(I2C) & I2CM_INT_SB, 11);
        if (i == n - 1) {
            SERCOM_CTRLB(I2C) |= I2CM_CTRLB_ACKACT;   /* NACK the last byte, then STOP */
            sysop_sync();
            stop();
        }
        buf[i] = (uint8_t)SERCOM_DATA(I2C);      /* smart mode: ACK + next byte */
    }
}

static uint8_t read_reg(uint8_t reg)
{
    uint8_t v;
    read_regs(reg, &v, 1);
    return v;
}

static void read_xyz(int x_index)
{
    WAIT(read_reg(0x27) & 0x08, 12);             /* STATUS_REG.ZYXDA */
    uint8_t b[6];
    read_regs(0x28, b, 6);
    for (int i = 0; i < 3; i++) PR[x_index + i] = (uint32_t)(int32_t)(int16_t)(b[2 * i] | b[2 * i + 1] << 8);
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    STEP(2); i2c_init();
    STEP(3);
    (void)address(0x18, 0);                      /* nobody there */
    PR[R_NACK_STATUS] = SERCOM_STATUS(I2C);
    stop();
    STEP(4);
    PR[R_WHO_AM_I] = read_reg(0x0F);
    if (PR[R_WHO_AM_I] != 0x33) FAIL(13);
    STEP(5);
    write_reg(0x20, 0x77);
    write_reg(0x23, 0x88);
    PR[R_CTRL_REG1] = read_reg(0x20);
    PR[R_CTRL_REG4] = read_reg(0x23);
    PR[R_STATUS_REG] = read_reg(0x27);
    read_xyz(R_X1);
    STEP(6); wait_for_host(1);
    STEP(7); read_xyz(R_X2);
    WAIT(((SERCOM_STATUS(I2C) >> 4) & 3) == I2CM_BUSSTATE_IDLE, 14);
    PR[R_BUSSTATE_END] = (SERCOM_STATUS(I2C) >> 4) & 3;
    STEP(8);
    periph_done();
    return 0;
}

/*
 * periph_usart.c — SERCOM4 as a USART (26) on PB08 (TX, PAD0) / PB09 (RX, PAD1), function D
 * (the CPX pads A7/A6; the board wires no UART, the test attaches a UartLink to SERCOM4):
 *   GCLK0 48 MHz, 115200 baud, 8N1, LSB first (DORD = 1), 16x arithmetic sampling:
 *   BAUD = 65536 (1 - 16 * 115200 / 48 MHz) = 63019.
 *   1. Transmit a greeting polled on DRE, then wait TXC.
 *   2. Receive 4 bytes polled on RXC (the test sends them), store them, echo them upper-cased.
 */
#include "periph.h"

enum {
    R_BAUD = 3,
    R_CTRLA,
    R_CTRLB,
    R_TXC_AFTER,          /* INTFLAG after the greeting (TXC | DRE) */
    R_RX0, R_RX1, R_RX2, R_RX3,
};

#define U 4
#define USART_CTRLA_SAMPR(n) ((uint32_t)(n) << 13)
#define USART_CTRLA_TXPO(n)  ((uint32_t)(n) << 16)
#define USART_CTRLA_RXPO(n)  ((uint32_t)(n) << 20)
#define USART_CTRLB_TXEN     (1u << 16)
#define USART_CTRLB_RXEN     (1u << 17)

static void put(uint8_t c)
{
    WAIT(SERCOM_INTFLAG(U) & SPI_INT_DRE, 1);    /* DRE/TXC/RXC have the same bits as in SPI */
    SERCOM_DATA(U) = c;
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    STEP(2);
    PM_APBCMASK |= PM_APBCMASK_SERCOM(U);
    gclk_channel(GCLK_ID_SERCOM_CORE(U), 0);
    pin_function(1, 8, PMUX_D, 0);
    pin_function(1, 9, PMUX_D, 1);
    SERCOM_CTRLA(U) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_SYNCBUSY(U) & SERCOM_SYNCBUSY_SWRST), 2);
    SERCOM_CTRLA(U) = SERCOM_CTRLA_MODE(SERCOM_MODE_USART_INT) | SPI_CTRLA_DORD | USART_CTRLA_SAMPR(0)
                    | USART_CTRLA_TXPO(0) | USART_CTRLA_RXPO(1);
    SERCOM_CTRLB(U) = USART_CTRLB_TXEN | USART_CTRLB_RXEN;          /* CHSIZE 0: 8 bits, 1 stop bit */
    WAIT(!(SERCOM_SYNCBUSY(U) & SERCOM_SYNCBUSY_CTRLB), 3);
    SERCOM_BAUD16(U) = 63019;
    SERCOM_CTRLA(U) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(U) & SERCOM_SYNCBUSY_ENABLE), 3);
    PR[R_BAUD] = SERCOM_BAUD16(U);
    PR[R_CTRLA] = SERCOM_CTRLA(U);
    PR[R_CTRLB] = SERCOM_CTRLB(U);

    STEP(3);
    static const char greeting[] = "hello from SERCOM4\r\n";
    for (const char *s = greeting; *s; s++) put((uint8_t)*s);
    WAIT(SERCOM_INTFLAG(U) & SPI_INT_TXC, 4);
    PR[R_TXC_AFTER] = SERCOM_INTFLAG(U);

    STEP(4);
    for (int i = 0; i < 4; i++) {
        WAIT(SERCOM_INTFLAG(U) & SPI_INT_RXC, 5);
        PR[R_RX0 + i] = SERCOM_DATA(U) & 0x1FF;
    }
    for (int i = 0; i < 4; i++) {
        uint8_t c = (uint8_t)PR[R_RX0 + i];
        put(c >= 'a' && c <= 'z' ? (uint8_t)(c - 32) : c);
    }
    WAIT(SERCOM_INTFLAG(U) & SPI_INT_TXC, 4);
    STEP(5);
    periph_done();
    return 0;
}

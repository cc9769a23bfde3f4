/*
 * periph_edbg.c — a console on the Arduino Zero's EDBG virtual COM port: SERCOM5 as a USART at
 * 115200 baud, TX on PB22 (PAD2, TXPO 1) and RX on PB23 (PAD3, RXPO 3), function D, the way the
 * Arduino core's Serial uses it. Says hello, then echoes each received line in capitals after
 * "echo: ". Run by tests/emulator/console-edbg.test.ts with `circuitemu run --console edbg`.
 */
#include "periph.h"

#define U 5
#define USART_CTRLA_TXPO(n)  ((uint32_t)(n) << 16)
#define USART_CTRLA_RXPO(n)  ((uint32_t)(n) << 20)
#define USART_CTRLB_TXEN     (1u << 16)
#define USART_CTRLB_RXEN     (1u << 17)

static void put(uint8_t c)
{
    WAIT(SERCOM_INTFLAG(U) & SPI_INT_DRE, 1);    /* DRE/RXC have the same bits as in SPI */
    SERCOM_DATA(U) = c;
}

static void puts_(const char *s)
{
    while (*s) put((uint8_t)*s++);
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    STEP(2);
    PM_APBCMASK |= PM_APBCMASK_SERCOM(U);
    gclk_channel(GCLK_ID_SERCOM_CORE(U), 0);
    pin_function(1, 22, PMUX_D, 0);
    pin_function(1, 23, PMUX_D, 1);
    SERCOM_CTRLA(U) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_SYNCBUSY(U) & SERCOM_SYNCBUSY_SWRST), 2);
    SERCOM_CTRLA(U) = SERCOM_CTRLA_MODE(SERCOM_MODE_USART_INT) | SPI_CTRLA_DORD | USART_CTRLA_TXPO(1) | USART_CTRLA_RXPO(3);
    SERCOM_CTRLB(U) = USART_CTRLB_TXEN | USART_CTRLB_RXEN;
    WAIT(!(SERCOM_SYNCBUSY(U) & SERCOM_SYNCBUSY_CTRLB), 3);
    SERCOM_BAUD16(U) = 63019;                     /* 65536 (1 - 16 x 115200 / 48 MHz) */
    SERCOM_CTRLA(U) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(U) & SERCOM_SYNCBUSY_ENABLE), 3);

    STEP(3);
    puts_("hello from the EDBG port\r\n");
    char line[64];
    uint32_t n = 0;
    for (;;) {
        while (!(SERCOM_INTFLAG(U) & SPI_INT_RXC)) {}
        char c = (char)SERCOM_DATA(U);
        if (c == '\r' || c == '\n') {
            if (n == 0) continue;
            puts_("echo: ");
            for (uint32_t i = 0; i < n; i++) put((uint8_t)line[i]);
            puts_("\r\n");
            n = 0;
        } else if (n < sizeof line) {
            line[n++] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        }
    }
}

/*
 * echo.c — a minimal USB CDC-ACM echo device for the SAMD21, written against the data sheet's
 * registers (regs.h): DFLL48M in USB clock-recovery mode -> GCLK0 -> GCLK_USB, PA24/PA25 on
 * function G, the USB controller reset (SWRST, SYNCBUSY 1 then 0), an endpoint descriptor table
 * in RAM, and an interrupt handler that answers the standard and CDC class requests (usb_dev.c,
 * called from the handler itself) and echoes every byte received on the bulk OUT endpoint back
 * on the bulk IN endpoint.
 *
 * Status for the tests lives in `status` (symbol in the ELF): bus resets, SETUPs, configured.
 */
#include <stdint.h>
#include "usb_dev.h"

const uint8_t usb_device_desc[18] = USB_DEVICE_DESC(0x0001);
const uint8_t usb_product_desc[] = {18, 3, 'U', 0, 'S', 0, 'B', 0, ' ', 0, 'e', 0, 'c', 0, 'h', 0, 'o', 0};

struct status {
    struct usb_status usb;       /* magic, bus_resets, setups, configured, dtr */
    uint32_t echoed;
    uint8_t line_coding[8];
};
volatile struct status status;

static uint8_t tx_busy;

static void configured(void) { tx_busy = 0; }

/* Everything answers in the interrupt handler: DTR as soon as its SETUP arrives. */
const struct usb_dev usb_dev = {
    .status = &status.usb,
    .line_coding = (uint8_t *)status.line_coding,
    .configured = configured,
};

static void send_echo(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) usb_tx_buf[i] = usb_rx_buf[i];
    tx_busy = 1;
    status.echoed += n;
    usb_send(n);
}

void usb_handler(void)
{
    uint16_t flags = USB_INTFLAG & USB_INTENSET;
    if (flags & INT_EORST) {
        USB_INTFLAG = INT_EORST;
        usb_bus_reset();
        usb_ep0_reset();
    }
    if (USB_EPINTFLAG(0) & EPINT_RXSTP) {
        USB_EPINTFLAG(0) = EPINT_RXSTP | EPINT_TRCPT0;
        usb_setup(usb_setup_buf);
    }
    uint16_t summary = USB_EPINTSMRY;
    if (summary & 1u) {
        uint8_t f = USB_EPINTFLAG(0);
        if (f & EPINT_TRCPT1) {
            USB_EPINTFLAG(0) = EPINT_TRCPT1;
            usb_ep0_in_complete();
        }
        if (f & EPINT_TRCPT0) {
            USB_EPINTFLAG(0) = EPINT_TRCPT0;
            usb_ep0_out_complete(usb_desc_table[0][0].pcksize & 0x3FFFu);
        }
    }
    if (summary & (1u << 2)) {
        uint8_t f = USB_EPINTFLAG(2);
        if (f & EPINT_TRCPT1) {
            USB_EPINTFLAG(2) = EPINT_TRCPT1;
            tx_busy = 0;
            usb_arm_rx();                       /* flow control: next OUT only once echoed */
        }
        if (f & EPINT_TRCPT0) {
            USB_EPINTFLAG(2) = EPINT_TRCPT0;
            uint32_t n = usb_desc_table[2][0].pcksize & 0x3FFFu;
            if (n && !tx_busy) send_echo(n);
            else usb_arm_rx();
        }
    }
}

int main(void)
{
    status.usb.magic = 0x55534245u;             /* "EBSU" */
    usb_clocks_init();
    usb_init();
    usb_attach();
    for (;;) __asm volatile("wfi");
}

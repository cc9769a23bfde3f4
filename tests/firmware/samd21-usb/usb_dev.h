/*
 * usb_dev.h — the USB CDC-ACM device both test programs share: descriptors, the endpoint 0
 * control-transfer machine, the standard and CDC class requests, endpoint configuration, the
 * bulk endpoints' buffers, and the clock / controller start-up.
 *
 * The module decides nothing about *when* it runs: echo.c calls it from its interrupt handler,
 * console.c from its main-loop task (TinyUSB's split). The one behaviour that depends on that
 * choice is `usb_dev.line_state_at_ack` (below); the rest are hooks.
 */
#ifndef USB_DEV_H
#define USB_DEV_H
#include <stdint.h>
#include "regs.h"

/* The first fields of each program's `status` block (the tests read them by offset). */
struct usb_status {
    uint32_t magic;
    uint32_t bus_resets;
    uint32_t setups;
    uint32_t configured;
    uint32_t dtr;
};

struct usb_dev {
    volatile struct usb_status *status;
    uint8_t *line_coding;            /* 7 bytes: GET_LINE_CODING answers it, SET_LINE_CODING fills it */
    /* SET_CONTROL_LINE_STATE takes effect when its status stage completes (TinyUSB's
     * CONTROL_STAGE_ACK) rather than when the SETUP arrives. */
    uint8_t line_state_at_ack;
    void (*configured)(void);        /* SET_CONFIGURATION: the bulk endpoints are ready */
    void (*line_state)(uint8_t dtr); /* SET_CONTROL_LINE_STATE, after status->dtr is set */
    /* SET_ADDRESS applied; stale: a bus reset came between the SETUP and now. */
    void (*address_applied)(uint8_t stale);
};
extern const struct usb_dev usb_dev; /* defined by the program (in flash: nothing to set up at run time) */

/* Device descriptor: IAD composite (class EF/02/01), VID 0x1209 (pid.codes), the given PID. */
#define USB_DEVICE_DESC(pid) {                                  \
    18, 1, 0x00, 0x02, 0xEF, 0x02, 0x01, 64,                    \
    0x09, 0x12, (uint8_t)(pid), (uint8_t)((pid) >> 8),          \
    0x00, 0x01, 1, 2, 0, 1,                                     \
}
/* Provided by the program: its device descriptor and string descriptor 2 (bLength first). */
extern const uint8_t usb_device_desc[18];
extern const uint8_t usb_product_desc[];

extern usb_bank_t usb_desc_table[3][2];
extern uint8_t usb_setup_buf[8 + 2];
extern uint8_t usb_rx_buf[64], usb_tx_buf[64];   /* EP2 OUT / EP2 IN */
extern volatile uint32_t usb_isr_resets;        /* bus resets seen by usb_ep0_reset() */

void usb_clocks_init(void);          /* DFLL48M in USB clock recovery -> GCLK0 -> GCLK_USB */
void usb_init(void);                 /* pins, controller reset, pad calibration, descriptor table */
void usb_attach(void);               /* enable, end-of-reset interrupt */

void usb_ep0_reset(void);            /* end of bus reset, in the interrupt handler: EP0 ready for SETUP */
void usb_bus_reset(void);            /* end of bus reset, the device state */
void usb_setup(const uint8_t *setup);
void usb_ep0_in_complete(void);      /* EP0 TRCPT1 */
void usb_ep0_out_complete(uint32_t count); /* EP0 TRCPT0, count: bytes received */

void usb_arm_rx(void);               /* EP2 OUT: receive the next packet into usb_rx_buf */
void usb_send(uint32_t n);           /* EP2 IN: send n bytes of usb_tx_buf */

#endif

/*
 * echo.c — a minimal USB CDC-ACM echo device for the SAMD21, written against the data sheet's
 * registers (regs.h): DFLL48M in USB clock-recovery mode -> GCLK0 -> GCLK_USB, PA24/PA25 on
 * function G, the USB controller reset (SWRST, SYNCBUSY 1 then 0), an endpoint descriptor table
 * in RAM, and an interrupt handler that answers the standard and CDC class requests and echoes
 * every byte received on the bulk OUT endpoint back on the bulk IN endpoint.
 *
 * Status for the tests lives in `status` (symbol in the ELF): bus resets, SETUPs, configured.
 */
#include <stdint.h>
#include "regs.h"

extern uint32_t __stack_top, __data_start, __data_end, __data_load, __bss_start, __bss_end;

/* ------------------------------------------------------------------ descriptors */
static const uint8_t device_desc[18] = {
    18, 1, 0x00, 0x02, 0xEF, 0x02, 0x01, 64,
    0x09, 0x12, 0x01, 0x00, /* VID 0x1209 (pid.codes), PID 0x0001 (test) */
    0x00, 0x01, 1, 2, 0, 1,
};

#define CONFIG_LEN (9 + 8 + 9 + 5 + 5 + 4 + 5 + 7 + 9 + 7 + 7)
static const uint8_t config_desc[CONFIG_LEN] = {
    9, 2, CONFIG_LEN, 0, 2, 1, 0, 0x80, 50,
    8, 11, 0, 2, 0x02, 0x02, 0x00, 0,            /* IAD */
    9, 4, 0, 0, 1, 0x02, 0x02, 0x00, 0,          /* CDC communication interface */
    5, 0x24, 0x00, 0x10, 0x01,                   /* header */
    5, 0x24, 0x01, 0x00, 1,                      /* call management */
    4, 0x24, 0x02, 0x02,                         /* ACM */
    5, 0x24, 0x06, 0, 1,                         /* union */
    7, 5, 0x81, 0x03, 8, 0, 16,                  /* notification EP1 IN */
    9, 4, 1, 0, 2, 0x0A, 0x00, 0x00, 0,          /* CDC data interface */
    7, 5, 0x02, 0x02, 64, 0, 0,                  /* EP2 OUT bulk */
    7, 5, 0x82, 0x02, 64, 0, 0,                  /* EP2 IN bulk */
};

static const uint8_t lang_desc[4] = {4, 3, 0x09, 0x04};
static const uint8_t manufacturer_desc[] = {22, 3, 'c', 0, 'i', 0, 'r', 0, 'c', 0, 'u', 0, 'i', 0, 't', 0, 'e', 0, 'm', 0, 'u', 0};
static const uint8_t product_desc[] = {18, 3, 'U', 0, 'S', 0, 'B', 0, ' ', 0, 'e', 0, 'c', 0, 'h', 0, 'o', 0};

/* ------------------------------------------------------------------ state */
static usb_bank_t desc_table[3][2] __attribute__((aligned(4)));
static uint8_t setup_buf[8 + 2] __attribute__((aligned(4)));     /* + the CRC the controller may add */
static uint8_t ep0_in[64] __attribute__((aligned(4)));
static uint8_t ep0_out[64] __attribute__((aligned(4)));
static uint8_t rx_buf[64] __attribute__((aligned(4)));
static uint8_t tx_buf[64] __attribute__((aligned(4)));

struct status {
    uint32_t magic;
    uint32_t bus_resets;
    uint32_t setups;
    uint32_t configured;
    uint32_t dtr;
    uint32_t echoed;
    uint8_t line_coding[8];
};
volatile struct status status;

static const uint8_t *ctrl_data;     /* remaining control IN data */
static uint32_t ctrl_left;
static uint8_t ctrl_stage;           /* 0 idle, 1 data IN, 2 status OUT, 3 status IN, 4 data OUT */
static uint8_t pending_address;
static uint8_t pending_out_request;
static uint8_t tx_busy;

static void prepare_setup(void)
{
    desc_table[0][0].addr = (uint32_t)setup_buf;
    desc_table[0][0].pcksize = PCK_SIZE_64 | PCK_MULTI(8) | PCK_BYTE_COUNT(0);
}

/* Sends the next packet (at most 64 bytes) of the control IN data stage. */
static void ctrl_send_next(void)
{
    uint32_t n = ctrl_left > 64 ? 64 : ctrl_left;
    for (uint32_t i = 0; i < n; i++) ep0_in[i] = ctrl_data[i];
    ctrl_data += n;
    ctrl_left -= n;
    desc_table[0][1].addr = (uint32_t)ep0_in;
    desc_table[0][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(n);
    USB_EPSTATUSSET(0) = EPSTATUS_BK1RDY;
}

static void ctrl_in(const uint8_t *data, uint32_t len, uint16_t wlength)
{
    if (len > wlength) len = wlength;
    ctrl_data = data;
    ctrl_left = len;
    ctrl_stage = 1;
    ctrl_send_next();
}

static void ctrl_status_in(void)
{
    ctrl_stage = 3;
    desc_table[0][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(0);
    USB_EPSTATUSSET(0) = EPSTATUS_BK1RDY;
}

static void ctrl_stall(void)
{
    ctrl_stage = 0;
    USB_EPSTATUSSET(0) = EPSTATUS_STALLRQ0 | EPSTATUS_STALLRQ1;
}

static void arm_rx(void)
{
    desc_table[2][0].addr = (uint32_t)rx_buf;
    desc_table[2][0].pcksize = PCK_SIZE_64 | PCK_MULTI(64) | PCK_BYTE_COUNT(0);
    USB_EPSTATUSCLR(2) = EPSTATUS_BK0RDY;
}

static void configure(void)
{
    USB_EPCFG(1) = 0x40;                        /* EPTYPE1 = interrupt IN */
    desc_table[1][1].pcksize = PCK_SIZE_8;
    USB_EPCFG(2) = 0x33;                        /* bulk OUT + bulk IN */
    desc_table[2][0].pcksize = PCK_SIZE_64;
    desc_table[2][1].pcksize = PCK_SIZE_64;
    USB_EPINTENSET(2) = EPINT_TRCPT0 | EPINT_TRCPT1;
    tx_busy = 0;
    arm_rx();
    status.configured = 1;
}

static void handle_setup(void)
{
    uint8_t type = setup_buf[0], req = setup_buf[1];
    uint16_t wvalue = (uint16_t)(setup_buf[2] | (setup_buf[3] << 8));
    uint16_t wlength = (uint16_t)(setup_buf[6] | (setup_buf[7] << 8));
    status.setups++;
    if ((type & 0x60) == 0x00) {
        switch (req) {
        case 6: /* GET_DESCRIPTOR */
            switch (wvalue >> 8) {
            case 1: ctrl_in(device_desc, sizeof device_desc, wlength); return;
            case 2: ctrl_in(config_desc, sizeof config_desc, wlength); return;
            case 3:
                if ((wvalue & 0xFF) == 0) { ctrl_in(lang_desc, sizeof lang_desc, wlength); return; }
                if ((wvalue & 0xFF) == 1) { ctrl_in(manufacturer_desc, sizeof manufacturer_desc, wlength); return; }
                if ((wvalue & 0xFF) == 2) { ctrl_in(product_desc, sizeof product_desc, wlength); return; }
                break;
            }
            ctrl_stall();
            return;
        case 5: /* SET_ADDRESS: takes effect after the status stage */
            pending_address = (uint8_t)(wvalue & 0x7F);
            ctrl_status_in();
            return;
        case 9: /* SET_CONFIGURATION */
            configure();
            ctrl_status_in();
            return;
        case 1: /* CLEAR_FEATURE(ENDPOINT_HALT) */
            if ((type & 0x1F) == 2) {
                uint8_t ep = setup_buf[4];
                if (ep & 0x80) USB_EPSTATUSCLR(ep & 0x0F) = EPSTATUS_STALLRQ1 | EPSTATUS_DTGLIN;
                else USB_EPSTATUSCLR(ep & 0x0F) = EPSTATUS_STALLRQ0 | EPSTATUS_DTGLOUT;
            }
            ctrl_status_in();
            return;
        }
    } else if ((type & 0x60) == 0x20) {
        switch (req) {
        case 0x20: /* SET_LINE_CODING: 7-byte OUT data stage */
            pending_out_request = req;
            ctrl_stage = 4;
            desc_table[0][0].addr = (uint32_t)ep0_out;
            desc_table[0][0].pcksize = PCK_SIZE_64 | PCK_MULTI(wlength) | PCK_BYTE_COUNT(0);
            USB_EPSTATUSCLR(0) = EPSTATUS_BK0RDY;
            return;
        case 0x21: /* GET_LINE_CODING */
            ctrl_in((const uint8_t *)status.line_coding, 7, wlength);
            return;
        case 0x22: /* SET_CONTROL_LINE_STATE */
            status.dtr = wvalue & 1u;
            ctrl_status_in();
            return;
        }
    }
    ctrl_stall();
}

static void send_echo(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) tx_buf[i] = rx_buf[i];
    desc_table[2][1].addr = (uint32_t)tx_buf;
    desc_table[2][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(n);
    tx_busy = 1;
    status.echoed += n;
    USB_EPSTATUSSET(2) = EPSTATUS_BK1RDY;
}

void usb_handler(void)
{
    uint16_t flags = USB_INTFLAG & USB_INTENSET;
    if (flags & INT_EORST) {
        USB_INTFLAG = INT_EORST;
        status.bus_resets++;
        status.configured = 0;
        desc_table[0][0].pcksize = PCK_SIZE_64;
        desc_table[0][1].pcksize = PCK_SIZE_64;
        USB_EPCFG(0) = 0x11;
        USB_EPINTENSET(0) = EPINT_TRCPT0 | EPINT_TRCPT1 | EPINT_RXSTP;
        ctrl_stage = 0;
        prepare_setup();
    }
    if (USB_EPINTFLAG(0) & EPINT_RXSTP) {
        USB_EPINTFLAG(0) = EPINT_RXSTP | EPINT_TRCPT0;
        handle_setup();
    }
    uint16_t summary = USB_EPINTSMRY;
    if (summary & 1u) {
        uint8_t f = USB_EPINTFLAG(0);
        if (f & EPINT_TRCPT1) {
            USB_EPINTFLAG(0) = EPINT_TRCPT1;
            if (ctrl_stage == 1) {
                if (ctrl_left) {
                    ctrl_send_next();
                } else {
                    /* data stage done: receive the zero-length status OUT */
                    ctrl_stage = 2;
                    prepare_setup();
                    desc_table[0][0].pcksize = PCK_SIZE_64;
                    USB_EPSTATUSCLR(0) = EPSTATUS_BK0RDY;
                }
            } else if (ctrl_stage == 3) {
                ctrl_stage = 0;
                if (pending_address) {
                    USB_DADD = (uint8_t)(pending_address | DADD_ADDEN);
                    pending_address = 0;
                }
                prepare_setup();
            }
        }
        if (f & EPINT_TRCPT0) {
            USB_EPINTFLAG(0) = EPINT_TRCPT0;
            if (ctrl_stage == 4) {
                uint32_t n = desc_table[0][0].pcksize & 0x3FFFu;
                if (pending_out_request == 0x20) {
                    for (uint32_t i = 0; i < n && i < 7; i++) status.line_coding[i] = ep0_out[i];
                }
                prepare_setup();
                ctrl_status_in();
            } else if (ctrl_stage == 2) {
                ctrl_stage = 0;
                prepare_setup();
            }
        }
    }
    if (summary & (1u << 2)) {
        uint8_t f = USB_EPINTFLAG(2);
        if (f & EPINT_TRCPT1) {
            USB_EPINTFLAG(2) = EPINT_TRCPT1;
            tx_busy = 0;
            arm_rx();                           /* flow control: next OUT only once echoed */
        }
        if (f & EPINT_TRCPT0) {
            USB_EPINTFLAG(2) = EPINT_TRCPT0;
            uint32_t n = desc_table[2][0].pcksize & 0x3FFFu;
            if (n && !tx_busy) send_echo(n);
            else arm_rx();
        }
    }
}

static void clocks_init(void)
{
    NVMCTRL_CTRLB = 1u << 1;                    /* RWS = 1 for 48 MHz */
    /* DFLL48M open loop first, then USB clock recovery (17.6.7.1.3): MUL = 48000 per 1 ms SOF */
    SYSCTRL_DFLLCTRL = 0;                       /* errata: ONDEMAND off before configuring */
    while (!(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY)) { }
    SYSCTRL_DFLLMUL = (1u << 26) | (1u << 16) | 48000u;
    SYSCTRL_DFLLVAL = (31u << 10) | 512u;
    while (!(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY)) { }
    SYSCTRL_DFLLCTRL = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 8); /* ENABLE MODE USBCRM CCDIS */
    while (!(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY)) { }
    GCLK_GENDIV = 0;                            /* generator 0, divide by 1 */
    GCLK_GENCTRL = 0u | (7u << 8) | (1u << 16) | (1u << 17); /* GCLK0 <- DFLL48M, GENEN, IDC */
    while (GCLK_STATUS & 0x80u) { }
    GCLK_CLKCTRL = 6u | (0u << 8) | (1u << 14); /* GCLK_USB <- GCLK0 */
    while (GCLK_STATUS & 0x80u) { }
}

static void usb_init(void)
{
    /* PA24 (D-) and PA25 (D+): PMUXEN, function G (PMUX12 = 0x66) */
    PORT_PINCFG0(24) = 1;
    PORT_PINCFG0(25) = 1;
    PORT_PMUX0(12) = 0x66;

    USB_CTRLA = CTRLA_SWRST;
    while (!(USB_SYNCBUSY & SYNCBUSY_SWRST)) { }
    while (USB_SYNCBUSY & SYNCBUSY_SWRST) { }
    USB_PADCAL = (uint16_t)((6u << 12) | (9u << 6) | 25u);
    USB_QOSCTRL = 0x0F;
    USB_DESCADD = (uint32_t)desc_table;
    USB_CTRLB = 0;                              /* full speed, attach */
    USB_CTRLA = CTRLA_ENABLE | CTRLA_RUNSTDBY;
    while (USB_SYNCBUSY & SYNCBUSY_ENABLE) { }
    USB_INTFLAG = USB_INTFLAG;
    USB_INTENSET = INT_EORST;
    NVIC_ISER = 1u << 7;
}

int main(void)
{
    status.magic = 0x55534245u;                 /* "EBSU" */
    clocks_init();
    usb_init();
    for (;;) __asm volatile("wfi");
}

void reset_handler(void)
{
    uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    main();
    for (;;) { }
}

void default_handler(void)
{
    for (;;) { }
}

__attribute__((section(".vectors"), used))
void (*const vectors[16 + 28])(void) = {
    (void (*)(void))&__stack_top, reset_handler, default_handler, default_handler,
    0, 0, 0, 0, 0, 0, 0, default_handler, 0, 0, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, usb_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler,
};

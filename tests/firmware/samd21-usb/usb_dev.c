/*
 * usb_dev.c — see usb_dev.h. Registers and descriptor banks: data sheet DS40001882 chapter 32;
 * requests: USB 2.0 chapter 9 and the CDC PSTN subclass (SET/GET_LINE_CODING,
 * SET_CONTROL_LINE_STATE).
 */
#include "usb_dev.h"

/* ------------------------------------------------------------------ descriptors */
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

/* ------------------------------------------------------------------ controller state */
usb_bank_t usb_desc_table[3][2] __attribute__((aligned(4)));
uint8_t usb_setup_buf[8 + 2] __attribute__((aligned(4)));     /* + the CRC the controller may add */
static uint8_t ep0_in[64] __attribute__((aligned(4)));
static uint8_t ep0_out[64] __attribute__((aligned(4)));
uint8_t usb_rx_buf[64] __attribute__((aligned(4)));
uint8_t usb_tx_buf[64] __attribute__((aligned(4)));
volatile uint32_t usb_isr_resets;

static const uint8_t *ctrl_data;     /* remaining control IN data */
static uint32_t ctrl_left;
static uint8_t ctrl_stage;           /* 0 idle, 1 data IN, 2 status OUT, 3 status IN, 4 data OUT */
static uint8_t ctrl_request;         /* bRequest of the transfer in progress */
static uint16_t ctrl_wvalue;
static uint32_t address_epoch;       /* usb_isr_resets when SET_ADDRESS was handled */

static void prepare_setup(void)
{
    usb_desc_table[0][0].addr = (uint32_t)usb_setup_buf;
    usb_desc_table[0][0].pcksize = PCK_SIZE_64 | PCK_MULTI(8) | PCK_BYTE_COUNT(0);
}

/* ------------------------------------------------------------------ control transfers */
/* Sends the next packet (at most 64 bytes) of the control IN data stage. */
static void ctrl_send_next(void)
{
    uint32_t n = ctrl_left > 64 ? 64 : ctrl_left;
    for (uint32_t i = 0; i < n; i++) ep0_in[i] = ctrl_data[i];
    ctrl_data += n;
    ctrl_left -= n;
    usb_desc_table[0][1].addr = (uint32_t)ep0_in;
    usb_desc_table[0][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(n);
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
    usb_desc_table[0][1].addr = (uint32_t)ep0_in;
    usb_desc_table[0][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(0);
    USB_EPSTATUSSET(0) = EPSTATUS_BK1RDY;
}

static void ctrl_stall(void)
{
    ctrl_stage = 0;
    USB_EPSTATUSSET(0) = EPSTATUS_STALLRQ0 | EPSTATUS_STALLRQ1;
}

static void set_line_state(uint8_t dtr)
{
    usb_dev.status->dtr = dtr;
    if (usb_dev.line_state) usb_dev.line_state(dtr);
}

static void configure(void)
{
    USB_EPCFG(1) = 0x40;                        /* EPTYPE1 = interrupt IN */
    usb_desc_table[1][1].pcksize = PCK_SIZE_8;
    USB_EPCFG(2) = 0x33;                        /* bulk OUT + bulk IN */
    usb_desc_table[2][0].pcksize = PCK_SIZE_64;
    usb_desc_table[2][1].pcksize = PCK_SIZE_64;
    USB_EPINTENSET(2) = EPINT_TRCPT0 | EPINT_TRCPT1;
    if (usb_dev.configured) usb_dev.configured();
    usb_arm_rx();
    usb_dev.status->configured = 1;
}

static void get_descriptor(uint16_t wvalue, uint16_t wlength)
{
    switch (wvalue >> 8) {
    case 1: ctrl_in(usb_device_desc, sizeof usb_device_desc, wlength); return;
    case 2: ctrl_in(config_desc, sizeof config_desc, wlength); return;
    case 3:
        if ((wvalue & 0xFF) == 0) { ctrl_in(lang_desc, sizeof lang_desc, wlength); return; }
        if ((wvalue & 0xFF) == 1) { ctrl_in(manufacturer_desc, sizeof manufacturer_desc, wlength); return; }
        if ((wvalue & 0xFF) == 2) { ctrl_in(usb_product_desc, usb_product_desc[0], wlength); return; }
        break;
    }
    ctrl_stall();
}

static void standard_request(const uint8_t *s, uint16_t wvalue, uint16_t wlength)
{
    switch (s[1]) {
    case 6: /* GET_DESCRIPTOR */
        get_descriptor(wvalue, wlength);
        return;
    case 5: /* SET_ADDRESS: applied when the status stage completes (usb_ep0_in_complete) */
        address_epoch = usb_isr_resets;
        ctrl_status_in();
        return;
    case 9: /* SET_CONFIGURATION */
        configure();
        ctrl_status_in();
        return;
    case 1: /* CLEAR_FEATURE(ENDPOINT_HALT) */
        if ((s[0] & 0x1F) == 2) {
            uint8_t ep = s[4];
            if (ep & 0x80) USB_EPSTATUSCLR(ep & 0x0F) = EPSTATUS_STALLRQ1 | EPSTATUS_DTGLIN;
            else USB_EPSTATUSCLR(ep & 0x0F) = EPSTATUS_STALLRQ0 | EPSTATUS_DTGLOUT;
        }
        ctrl_status_in();
        return;
    }
    ctrl_stall();
}

static void cdc_request(const uint8_t *s, uint16_t wvalue, uint16_t wlength)
{
    switch (s[1]) {
    case 0x20: /* SET_LINE_CODING: 7-byte OUT data stage */
        ctrl_stage = 4;
        usb_desc_table[0][0].addr = (uint32_t)ep0_out;
        usb_desc_table[0][0].pcksize = PCK_SIZE_64 | PCK_MULTI(wlength) | PCK_BYTE_COUNT(0);
        USB_EPSTATUSCLR(0) = EPSTATUS_BK0RDY;
        return;
    case 0x21: /* GET_LINE_CODING */
        ctrl_in(usb_dev.line_coding, 7, wlength);
        return;
    case 0x22: /* SET_CONTROL_LINE_STATE */
        if (!usb_dev.line_state_at_ack) set_line_state(wvalue & 1u);
        ctrl_status_in();
        return;
    }
    ctrl_stall();
}

void usb_setup(const uint8_t *s)
{
    uint16_t wvalue = (uint16_t)(s[2] | (s[3] << 8));
    uint16_t wlength = (uint16_t)(s[6] | (s[7] << 8));
    usb_dev.status->setups++;
    ctrl_request = s[1];
    ctrl_wvalue = wvalue;
    if ((s[0] & 0x60) == 0x00) standard_request(s, wvalue, wlength);
    else if ((s[0] & 0x60) == 0x20) cdc_request(s, wvalue, wlength);
    else ctrl_stall();
}

/* The status IN stage of the current control transfer completed. */
static void ctrl_complete(void)
{
    ctrl_stage = 0;
    if (ctrl_request == 5) {
        /* TinyUSB's dcd_edpt0_status_complete: the address, even if a reset came since. */
        USB_DADD = (uint8_t)((ctrl_wvalue & 0x7F) | DADD_ADDEN);
        if (usb_dev.address_applied) usb_dev.address_applied(address_epoch != usb_isr_resets);
    } else if (ctrl_request == 0x22 && usb_dev.line_state_at_ack) {
        set_line_state(ctrl_wvalue & 1u);
    }
    ctrl_request = 0;
    prepare_setup();
}

void usb_ep0_in_complete(void)
{
    if (ctrl_stage == 1) {
        if (ctrl_left) {
            ctrl_send_next();
        } else {
            /* data stage done: receive the zero-length status OUT */
            ctrl_stage = 2;
            prepare_setup();
            usb_desc_table[0][0].pcksize = PCK_SIZE_64;
            USB_EPSTATUSCLR(0) = EPSTATUS_BK0RDY;
        }
    } else if (ctrl_stage == 3) {
        ctrl_complete();
    }
}

void usb_ep0_out_complete(uint32_t n)
{
    if (ctrl_stage == 4) {
        for (uint32_t i = 0; i < n && i < 7; i++) usb_dev.line_coding[i] = ep0_out[i];
        prepare_setup();
        ctrl_status_in();
    } else if (ctrl_stage == 2) {
        ctrl_stage = 0;
        prepare_setup();
    }
}

void usb_ep0_reset(void)
{
    usb_desc_table[0][0].pcksize = PCK_SIZE_64;
    usb_desc_table[0][1].pcksize = PCK_SIZE_64;
    USB_EPCFG(0) = 0x11;
    USB_EPINTENSET(0) = EPINT_TRCPT0 | EPINT_TRCPT1 | EPINT_RXSTP;
    prepare_setup();
    usb_isr_resets++;
}

void usb_bus_reset(void)
{
    usb_dev.status->bus_resets++;
    usb_dev.status->configured = 0;
    ctrl_stage = 0;
    ctrl_request = 0;
}

/* ------------------------------------------------------------------ bulk endpoints */
void usb_arm_rx(void)
{
    usb_desc_table[2][0].addr = (uint32_t)usb_rx_buf;
    usb_desc_table[2][0].pcksize = PCK_SIZE_64 | PCK_MULTI(64) | PCK_BYTE_COUNT(0);
    USB_EPSTATUSCLR(2) = EPSTATUS_BK0RDY;
}

void usb_send(uint32_t n)
{
    usb_desc_table[2][1].addr = (uint32_t)usb_tx_buf;
    usb_desc_table[2][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(n);
    USB_EPSTATUSSET(2) = EPSTATUS_BK1RDY;
}

/* ------------------------------------------------------------------ start-up */
void usb_clocks_init(void)
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

void usb_init(void)
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
    USB_DESCADD = (uint32_t)usb_desc_table;
    USB_CTRLB = 0;                              /* full speed, attach */
}

void usb_attach(void)
{
    USB_CTRLA = CTRLA_ENABLE | CTRLA_RUNSTDBY;
    while (USB_SYNCBUSY & SYNCBUSY_ENABLE) { }
    USB_INTFLAG = USB_INTFLAG;
    USB_INTENSET = INT_EORST;
    NVIC_ISER = 1u << 7;
}

/*
 * console.c — a USB CDC-ACM console device for the SAMD21 that behaves like CircuitPython on
 * TinyUSB where the emulated host and the CLI can tell the difference, with none of its code:
 *
 *  - USB work is split as TinyUSB splits it: the interrupt handler only does what cannot wait
 *    (end of reset: endpoint 0 ready for SETUP) and queues events (reset, SETUP, transfer
 *    complete); the main loop's usb_task() handles them. SET_ADDRESS takes effect when the main
 *    loop handles the completion of its status stage (TinyUSB's dcd_edpt0_status_complete), so
 *    a busy main loop takes its address late, and a completion still queued when the host resets
 *    the bus lands after the reset (the device then sits at the old address).
 *  - "Busy" phases: until CFG(busy_until_ms) the main loop serves USB only once every
 *    CFG(busy_period_ms) (CircuitPython importing .mpy files runs tud_task that rarely).
 *  - A "supervisor" like CircuitPython's (main.c): at CFG(program_start_ms) the program starts,
 *    prints "code.py output:", CFG(lines) lines one every CFG(line_interval_ms), then
 *    "Code done running." and, once a terminal is connected (DTR), the wait-loop prompt. Output
 *    written while DTR is clear is dropped (supervisor/shared/serial.c checks
 *    tud_cdc_connected() before queueing). Ctrl-C interrupts the program (and flushes input, as
 *    tud_cdc_rx_wanted_cb does); in the wait loop Ctrl-D reloads ("soft reboot") and any other
 *    key enters a "REPL" (">>> ") where Ctrl-D reloads too.
 *
 * All times are milliseconds since USB was enabled (SysTick at 1 kHz). The tests patch `config`
 * (in flash) before loading the image and read `status` (in RAM).
 */
#include <stdint.h>
#include "regs.h"

#define SYST_CSR  R32(0xE000E010u)
#define SYST_RVR  R32(0xE000E014u)
#define SYST_CVR  R32(0xE000E018u)

extern uint32_t __stack_top, __data_start, __data_end, __data_load, __bss_start, __bss_end;

struct config {
    uint32_t magic;              /* "CONF" */
    uint32_t busy_until_ms;      /* 0: never busy */
    uint32_t busy_period_ms;
    uint32_t program_start_ms;
    uint32_t lines;
    uint32_t line_interval_ms;
};
__attribute__((used)) const struct config config = {0x464E4F43u, 0, 20, 0, 5, 10};
/* Read through a volatile view: the tests change the values in the image, so none may be folded. */
#define CFG(field) (((const volatile struct config *)&config)->field)

struct status {
    uint32_t magic;
    uint32_t bus_resets;
    uint32_t setups;
    uint32_t configured;
    uint32_t dtr;
    uint32_t runs;               /* program runs started */
    uint32_t bytes_dropped;      /* written while DTR was clear */
    uint32_t bytes_sent;
    uint32_t late_addresses;     /* SET_ADDRESS applied after a later bus reset (stale address) */
    uint32_t first_output_ms;    /* when the program printed its header (first run) */
    uint32_t dtr_ms;             /* when DTR was first set */
};
volatile struct status status;

/* ------------------------------------------------------------------ descriptors */
static const uint8_t device_desc[18] = {
    18, 1, 0x00, 0x02, 0xEF, 0x02, 0x01, 64,
    0x09, 0x12, 0x02, 0x00, /* VID 0x1209 (pid.codes), PID 0x0002 (test) */
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
static const uint8_t product_desc[] = {24, 3, 'U', 0, 'S', 0, 'B', 0, ' ', 0, 'c', 0, 'o', 0, 'n', 0, 's', 0, 'o', 0, 'l', 0, 'e', 0};

/* The compiler emits calls to these for structure copies and initialisers (-nostdlib). */
void *memcpy(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, uint32_t n)
{
    uint8_t *d = dst;
    while (n--) *d++ = (uint8_t)c;
    return dst;
}

/* ------------------------------------------------------------------ time */
static volatile uint32_t ticks;
static uint32_t usb_start;

void systick_handler(void) { ticks++; }
static uint32_t now_ms(void) { return ticks - usb_start; }

/* ------------------------------------------------------------------ events (ISR -> task) */
enum { EV_RESET = 1, EV_SETUP, EV_XFER };
struct event { uint8_t type, ep, dir_in; uint8_t setup[8]; uint16_t count; };
#define QUEUE_LEN 16
static struct event queue[QUEUE_LEN];
static volatile uint32_t q_head, q_tail;   /* written by the ISR / by the task */

static void push(struct event e)
{
    if (q_head - q_tail >= QUEUE_LEN) return;   /* TinyUSB's queue drops when full too */
    queue[q_head % QUEUE_LEN] = e;
    __asm volatile("" ::: "memory");           /* the event before the index that publishes it */
    q_head++;
}

/* ------------------------------------------------------------------ controller state */
static usb_bank_t desc_table[3][2] __attribute__((aligned(4)));
static uint8_t setup_buf[8 + 2] __attribute__((aligned(4)));
static uint8_t ep0_in[64] __attribute__((aligned(4)));
static uint8_t ep0_out[64] __attribute__((aligned(4)));
static uint8_t rx_buf[64] __attribute__((aligned(4)));
static uint8_t tx_buf[64] __attribute__((aligned(4)));

static const uint8_t *ctrl_data;
static uint32_t ctrl_left;
static uint8_t ctrl_stage;          /* 0 idle, 1 data IN, 2 status OUT, 3 status IN, 4 data OUT */
static uint8_t ctrl_request;        /* bRequest of the transfer in progress */
static uint16_t ctrl_wvalue;
static volatile uint32_t isr_resets; /* bus resets seen by the interrupt handler */
static uint32_t address_epoch;      /* isr_resets when SET_ADDRESS was handled */
static uint8_t configured, dtr, tx_busy;
static uint8_t line_coding[7] = {0x00, 0xC2, 0x01, 0x00, 0, 0, 8};

#define FIFO 256
static uint8_t tx_fifo[FIFO], rx_fifo[FIFO];
static uint32_t tx_head, tx_tail, rx_head, rx_tail;
static volatile uint8_t interrupt_requested;

static void prepare_setup(void)
{
    desc_table[0][0].addr = (uint32_t)setup_buf;
    desc_table[0][0].pcksize = PCK_SIZE_64 | PCK_MULTI(8) | PCK_BYTE_COUNT(0);
}

/* ------------------------------------------------------------------ interrupt handler */
void usb_handler(void)
{
    uint16_t flags = USB_INTFLAG & USB_INTENSET;
    if (flags & INT_EORST) {
        /* What cannot wait (TinyUSB's bus_reset() in dcd_int_handler): EP0 ready for SETUP. */
        USB_INTFLAG = INT_EORST;
        desc_table[0][0].pcksize = PCK_SIZE_64;
        desc_table[0][1].pcksize = PCK_SIZE_64;
        USB_EPCFG(0) = 0x11;
        USB_EPINTENSET(0) = EPINT_TRCPT0 | EPINT_TRCPT1 | EPINT_RXSTP;
        prepare_setup();
        isr_resets++;
        push((struct event){.type = EV_RESET});
    }
    if (USB_EPINTFLAG(0) & EPINT_RXSTP) {
        struct event e = {.type = EV_SETUP};
        for (int i = 0; i < 8; i++) e.setup[i] = setup_buf[i];
        push(e);
        USB_EPINTFLAG(0) = EPINT_RXSTP | EPINT_TRCPT0;
    }
    uint16_t summary = USB_EPINTSMRY;
    for (uint8_t ep = 0; ep < 3; ep++) {
        if (!(summary & (1u << ep))) continue;
        uint8_t f = USB_EPINTFLAG(ep);
        if (f & EPINT_TRCPT1) {
            push((struct event){.type = EV_XFER, .ep = ep, .dir_in = 1, .count = (uint16_t)(desc_table[ep][1].pcksize & 0x3FFFu)});
            USB_EPINTFLAG(ep) = EPINT_TRCPT1;
        }
        if (f & EPINT_TRCPT0) {
            push((struct event){.type = EV_XFER, .ep = ep, .dir_in = 0, .count = (uint16_t)(desc_table[ep][0].pcksize & 0x3FFFu)});
            USB_EPINTFLAG(ep) = EPINT_TRCPT0;
        }
    }
}

/* ------------------------------------------------------------------ control transfers (task) */
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
    desc_table[0][1].addr = (uint32_t)ep0_in;
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
    configured = 1;
    status.configured = 1;
}

static void handle_setup(const uint8_t *s)
{
    uint8_t type = s[0], req = s[1];
    uint16_t wvalue = (uint16_t)(s[2] | (s[3] << 8));
    uint16_t wlength = (uint16_t)(s[6] | (s[7] << 8));
    status.setups++;
    ctrl_request = req;
    ctrl_wvalue = wvalue;
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
        case 5: /* SET_ADDRESS: applied when the status stage completes (below) */
            address_epoch = isr_resets;
            ctrl_status_in();
            return;
        case 9: /* SET_CONFIGURATION */
            configure();
            ctrl_status_in();
            return;
        case 1: /* CLEAR_FEATURE(ENDPOINT_HALT) */
            if ((type & 0x1F) == 2) {
                uint8_t ep = s[4];
                if (ep & 0x80) USB_EPSTATUSCLR(ep & 0x0F) = EPSTATUS_STALLRQ1 | EPSTATUS_DTGLIN;
                else USB_EPSTATUSCLR(ep & 0x0F) = EPSTATUS_STALLRQ0 | EPSTATUS_DTGLOUT;
            }
            ctrl_status_in();
            return;
        }
    } else if ((type & 0x60) == 0x20) {
        switch (req) {
        case 0x20: /* SET_LINE_CODING: 7-byte OUT data stage */
            ctrl_stage = 4;
            desc_table[0][0].addr = (uint32_t)ep0_out;
            desc_table[0][0].pcksize = PCK_SIZE_64 | PCK_MULTI(wlength) | PCK_BYTE_COUNT(0);
            USB_EPSTATUSCLR(0) = EPSTATUS_BK0RDY;
            return;
        case 0x21: /* GET_LINE_CODING */
            ctrl_in(line_coding, 7, wlength);
            return;
        case 0x22: /* SET_CONTROL_LINE_STATE: DTR takes effect when acknowledged (CONTROL_STAGE_ACK) */
            ctrl_status_in();
            return;
        }
    }
    ctrl_stall();
}

/* The status stage of the current control transfer completed. */
static void ctrl_complete(void)
{
    ctrl_stage = 0;
    if (ctrl_request == 5) {
        /* TinyUSB's dcd_edpt0_status_complete: the address, even if a reset came since. */
        if (address_epoch != isr_resets) status.late_addresses++;
        USB_DADD = (uint8_t)((ctrl_wvalue & 0x7F) | DADD_ADDEN);
    } else if (ctrl_request == 0x22) {
        dtr = ctrl_wvalue & 1u;
        status.dtr = dtr;
        if (dtr && !status.dtr_ms) status.dtr_ms = now_ms() ? now_ms() : 1;
    }
    ctrl_request = 0;
    prepare_setup();
}

static void ep0_event(const struct event *e)
{
    if (e->dir_in) {
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
            ctrl_complete();
        }
    } else {
        if (ctrl_stage == 4) {
            uint32_t n = e->count;
            for (uint32_t i = 0; i < n && i < 7; i++) line_coding[i] = ep0_out[i];
            prepare_setup();
            ctrl_status_in();
        } else if (ctrl_stage == 2) {
            ctrl_stage = 0;
            prepare_setup();
        }
    }
}

/* ------------------------------------------------------------------ CDC data (task) */
static void tx_flush(void)
{
    if (!configured || tx_busy || tx_head == tx_tail) return;
    uint32_t n = 0;
    while (n < 64 && tx_tail != tx_head) tx_buf[n++] = tx_fifo[tx_tail++ % FIFO];
    desc_table[2][1].addr = (uint32_t)tx_buf;
    desc_table[2][1].pcksize = PCK_SIZE_64 | PCK_BYTE_COUNT(n);
    tx_busy = 1;
    status.bytes_sent += n;
    USB_EPSTATUSSET(2) = EPSTATUS_BK1RDY;
}

static void rx_event(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (rx_buf[i] == 3) {
            /* tud_cdc_rx_wanted_cb: flush input, interrupt the program */
            rx_tail = rx_head;
            interrupt_requested = 1;
            continue;
        }
        if (rx_head - rx_tail < FIFO) rx_fifo[rx_head++ % FIFO] = rx_buf[i];
    }
    arm_rx();
}

static void usb_task(void)
{
    while (q_tail != q_head) {
        __asm volatile("" ::: "memory");
        struct event e = queue[q_tail % QUEUE_LEN];
        q_tail++;
        switch (e.type) {
        case EV_RESET:
            status.bus_resets++;
            configured = 0;
            dtr = 0;
            status.configured = 0;
            status.dtr = 0;
            ctrl_stage = 0;
            ctrl_request = 0;
            tx_busy = 0;
            tx_tail = tx_head;              /* cdcd_reset: the TX FIFO is cleared */
            break;
        case EV_SETUP:
            handle_setup(e.setup);
            break;
        case EV_XFER:
            if (e.ep == 0) ep0_event(&e);
            else if (e.ep == 2 && e.dir_in) { tx_busy = 0; tx_flush(); }
            else if (e.ep == 2) rx_event(e.count);
            break;
        }
    }
    tx_flush();
}

/* ------------------------------------------------------------------ the main loop's pace */
/* Serves USB, except in the busy phase, where it first spins to the next period boundary. */
static void background(void)
{
    uint32_t t = now_ms();
    if (t < CFG(busy_until_ms) && CFG(busy_period_ms)) {
        uint32_t next = (t / CFG(busy_period_ms) + 1) * CFG(busy_period_ms);
        while (now_ms() < next) { }
    }
    usb_task();
}

/* supervisor/shared/serial.c: nothing is queued while no terminal is connected. */
static void serial_write(const char *s)
{
    for (; *s; s++) {
        if (!dtr || !configured) {
            status.bytes_dropped++;
            continue;
        }
        while (tx_head - tx_tail >= FIFO && dtr) background();
        if (!dtr) { status.bytes_dropped++; continue; }
        tx_fifo[tx_head++ % FIFO] = (uint8_t)*s;
    }
    usb_task();
}

static int serial_read(void)
{
    if (rx_tail == rx_head) return -1;
    return rx_fifo[rx_tail++ % FIFO];
}

static void write_number(uint32_t v)
{
    char buf[12];
    int i = 11;
    buf[i] = 0;
    do { buf[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    serial_write(&buf[i]);
}

/* ------------------------------------------------------------------ the supervisor */
static void run_program(void)
{
    status.runs++;
    if (status.runs == 1 && !status.first_output_ms) status.first_output_ms = now_ms() ? now_ms() : 1;
    serial_write("code.py output:\r\n");
    for (uint32_t i = 1; i <= CFG(lines); i++) {
        serial_write("line ");
        write_number(i);
        serial_write(" of ");
        write_number(CFG(lines));
        serial_write("\r\n");
        uint32_t end = now_ms() + CFG(line_interval_ms);
        while (now_ms() < end && !interrupt_requested) background();
        if (interrupt_requested) {
            interrupt_requested = 0;
            serial_write("Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n");
            break;
        }
    }
    serial_write("\r\nCode done running.\r\n");
}

/* Returns after a Ctrl-D (reload). */
static void wait_loop(void)
{
    uint8_t prompted = 0, repl = 0;
    for (;;) {
        background();
        if (!dtr) prompted = 0;
        if (dtr && !prompted && !repl) {
            serial_write("\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n");
            prompted = 1;
        }
        if (interrupt_requested) {
            interrupt_requested = 0;
            if (repl) serial_write("\r\nKeyboardInterrupt\r\n>>> ");
        }
        int c = serial_read();
        if (c < 0) continue;
        if (c == 4) {
            serial_write("soft reboot\r\n");
            return;
        }
        if (!repl) {
            repl = 1;
            serial_write("\r\n>>> ");
        } else {
            char echo[2] = {(char)c, 0};
            serial_write(echo);
        }
    }
}

/* ------------------------------------------------------------------ start-up */
static void clocks_init(void)
{
    NVMCTRL_CTRLB = 1u << 1;                    /* RWS = 1 for 48 MHz */
    SYSCTRL_DFLLCTRL = 0;                       /* errata: ONDEMAND off before configuring */
    while (!(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY)) { }
    SYSCTRL_DFLLMUL = (1u << 26) | (1u << 16) | 48000u;
    SYSCTRL_DFLLVAL = (31u << 10) | 512u;
    while (!(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY)) { }
    SYSCTRL_DFLLCTRL = (1u << 1) | (1u << 2) | (1u << 5) | (1u << 8); /* ENABLE MODE USBCRM CCDIS */
    while (!(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY)) { }
    GCLK_GENDIV = 0;
    GCLK_GENCTRL = 0u | (7u << 8) | (1u << 16) | (1u << 17); /* GCLK0 <- DFLL48M, GENEN, IDC */
    while (GCLK_STATUS & 0x80u) { }
    GCLK_CLKCTRL = 6u | (0u << 8) | (1u << 14); /* GCLK_USB <- GCLK0 */
    while (GCLK_STATUS & 0x80u) { }
    SYST_RVR = 48000u - 1u;                     /* 1 ms at 48 MHz */
    SYST_CVR = 0;
    SYST_CSR = 7u;                              /* CLKSOURCE core, TICKINT, ENABLE */
}

static void usb_init(void)
{
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
    usb_start = ticks;
    USB_CTRLA = CTRLA_ENABLE | CTRLA_RUNSTDBY;
    while (USB_SYNCBUSY & SYNCBUSY_ENABLE) { }
    USB_INTFLAG = USB_INTFLAG;
    USB_INTENSET = INT_EORST;
    NVIC_ISER = 1u << 7;
}

int main(void)
{
    status.magic = 0x434F4E53u;                 /* "SNOC" */
    clocks_init();
    usb_init();
    while (now_ms() < CFG(program_start_ms)) background();
    for (;;) {
        run_program();
        wait_loop();
    }
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
    0, 0, 0, 0, 0, 0, 0, default_handler, 0, 0, default_handler, systick_handler,
    default_handler, default_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, usb_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler, default_handler, default_handler,
    default_handler, default_handler, default_handler, default_handler,
};

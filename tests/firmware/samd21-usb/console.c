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
#include "usb_dev.h"

#define SYST_CSR  R32(0xE000E010u)
#define SYST_RVR  R32(0xE000E014u)
#define SYST_CVR  R32(0xE000E018u)

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
    struct usb_status usb;       /* magic, bus_resets, setups, configured, dtr */
    uint32_t runs;               /* program runs started */
    uint32_t bytes_dropped;      /* written while DTR was clear */
    uint32_t bytes_sent;
    uint32_t late_addresses;     /* SET_ADDRESS applied after a later bus reset (stale address) */
    uint32_t first_output_ms;    /* when the program printed its header (first run) */
    uint32_t dtr_ms;             /* when DTR was first set */
};
volatile struct status status;

/* ------------------------------------------------------------------ descriptors */
const uint8_t usb_device_desc[18] = USB_DEVICE_DESC(0x0002);
const uint8_t usb_product_desc[] = {24, 3, 'U', 0, 'S', 0, 'B', 0, ' ', 0, 'c', 0, 'o', 0, 'n', 0, 's', 0, 'o', 0, 'l', 0, 'e', 0};

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

/* ------------------------------------------------------------------ CDC state */
static uint8_t configured, dtr, tx_busy;
static uint8_t line_coding[7] = {0x00, 0xC2, 0x01, 0x00, 0, 0, 8};

#define FIFO 256
static uint8_t tx_fifo[FIFO], rx_fifo[FIFO];
static uint32_t tx_head, tx_tail, rx_head, rx_tail;
static volatile uint8_t interrupt_requested;

/* ------------------------------------------------------------------ interrupt handler */
void usb_handler(void)
{
    uint16_t flags = USB_INTFLAG & USB_INTENSET;
    if (flags & INT_EORST) {
        /* What cannot wait (TinyUSB's bus_reset() in dcd_int_handler): EP0 ready for SETUP. */
        USB_INTFLAG = INT_EORST;
        usb_ep0_reset();
        push((struct event){.type = EV_RESET});
    }
    if (USB_EPINTFLAG(0) & EPINT_RXSTP) {
        struct event e = {.type = EV_SETUP};
        for (int i = 0; i < 8; i++) e.setup[i] = usb_setup_buf[i];
        push(e);
        USB_EPINTFLAG(0) = EPINT_RXSTP | EPINT_TRCPT0;
    }
    uint16_t summary = USB_EPINTSMRY;
    for (uint8_t ep = 0; ep < 3; ep++) {
        if (!(summary & (1u << ep))) continue;
        uint8_t f = USB_EPINTFLAG(ep);
        if (f & EPINT_TRCPT1) {
            push((struct event){.type = EV_XFER, .ep = ep, .dir_in = 1, .count = (uint16_t)(usb_desc_table[ep][1].pcksize & 0x3FFFu)});
            USB_EPINTFLAG(ep) = EPINT_TRCPT1;
        }
        if (f & EPINT_TRCPT0) {
            push((struct event){.type = EV_XFER, .ep = ep, .dir_in = 0, .count = (uint16_t)(usb_desc_table[ep][0].pcksize & 0x3FFFu)});
            USB_EPINTFLAG(ep) = EPINT_TRCPT0;
        }
    }
}

/* ------------------------------------------------------------------ usb_dev hooks (task) */
static void on_configured(void)
{
    tx_busy = 0;
    configured = 1;
}

static void on_line_state(uint8_t state)
{
    dtr = state;
    if (dtr && !status.dtr_ms) status.dtr_ms = now_ms() ? now_ms() : 1;
}

/* TinyUSB applies the address even if a reset came since: the device then sits at it. */
static void on_address_applied(uint8_t stale)
{
    if (stale) status.late_addresses++;
}

const struct usb_dev usb_dev = {
    .status = &status.usb,
    .line_coding = line_coding,
    .line_state_at_ack = 1,                     /* CONTROL_STAGE_ACK, as TinyUSB's CDC driver */
    .configured = on_configured,
    .line_state = on_line_state,
    .address_applied = on_address_applied,
};

/* ------------------------------------------------------------------ CDC data (task) */
static void tx_flush(void)
{
    if (!configured || tx_busy || tx_head == tx_tail) return;
    uint32_t n = 0;
    while (n < 64 && tx_tail != tx_head) usb_tx_buf[n++] = tx_fifo[tx_tail++ % FIFO];
    tx_busy = 1;
    status.bytes_sent += n;
    usb_send(n);
}

static void rx_event(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (usb_rx_buf[i] == 3) {
            /* tud_cdc_rx_wanted_cb: flush input, interrupt the program */
            rx_tail = rx_head;
            interrupt_requested = 1;
            continue;
        }
        if (rx_head - rx_tail < FIFO) rx_fifo[rx_head++ % FIFO] = usb_rx_buf[i];
    }
    usb_arm_rx();
}

static void usb_task(void)
{
    while (q_tail != q_head) {
        __asm volatile("" ::: "memory");
        struct event e = queue[q_tail % QUEUE_LEN];
        q_tail++;
        switch (e.type) {
        case EV_RESET:
            usb_bus_reset();
            configured = 0;
            dtr = 0;
            status.usb.dtr = 0;
            tx_busy = 0;
            tx_tail = tx_head;              /* cdcd_reset: the TX FIFO is cleared */
            break;
        case EV_SETUP:
            usb_setup(e.setup);
            break;
        case EV_XFER:
            if (e.ep == 0 && e.dir_in) usb_ep0_in_complete();
            else if (e.ep == 0) usb_ep0_out_complete(e.count);
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
static void systick_init(void)
{
    SYST_RVR = 48000u - 1u;                     /* 1 ms at 48 MHz */
    SYST_CVR = 0;
    SYST_CSR = 7u;                              /* CLKSOURCE core, TICKINT, ENABLE */
}

int main(void)
{
    status.usb.magic = 0x434F4E53u;             /* "SNOC" */
    usb_clocks_init();
    systick_init();
    usb_init();
    usb_start = ticks;
    usb_attach();
    while (now_ms() < CFG(program_start_ms)) background();
    for (;;) {
        run_program();
        wait_loop();
    }
}

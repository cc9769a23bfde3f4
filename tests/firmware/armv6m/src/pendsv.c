/*
 * pendsv — the PendSV exception: pending it from thread mode (taken at
 * once), while PRIMASK is set (taken on CPSIE), clearing it with PENDSVCLR
 * before it runs, pending it from a higher-priority SVC handler (taken by
 * tail-chaining after the SVC returns), priority readback of SHPR3, and a
 * cooperative round-robin scheduler that switches between the main program
 * (on MSP) and two tasks (on PSP) by saving/restoring r4-r11, PSP and
 * EXC_RETURN in PendSV.
 */
#include <stdio.h>
#include <stdint.h>
#include "m0.h"

EVLOG_DEFINE;

struct tcb {
    uint32_t r4_r11[8];
    uint32_t psp;
    uint32_t exc_return;
};

struct tcb *volatile current_tcb;        /* NULL: PendSV only logs */
static struct tcb tcbs[3];               /* 0: main, 1: task A, 2: task B */
static volatile unsigned task_done[3];
static volatile unsigned switches;
static volatile uint32_t pendsv_ipsr, pendsv_icsr;

static uint32_t stack_a[96] __attribute__((aligned(8)));
static uint32_t stack_b[96] __attribute__((aligned(8)));

void pendsv_plain(void);
void pendsv_plain(void)
{
    pendsv_ipsr = get_ipsr();
    pendsv_icsr = SCB_ICSR;
    evlog_put('P');
}

struct tcb *pendsv_pick(struct tcb *cur);
struct tcb *pendsv_pick(struct tcb *cur)
{
    unsigned i = (unsigned)(cur - tcbs);
    switches++;
    do {
        i = (i + 1) % 3;
    } while (i != 0 && task_done[i]);
    current_tcb = &tcbs[i];
    return &tcbs[i];
}

void SVC_Handler(void)
{
    evlog_put('S');
    SCB_ICSR = ICSR_PENDSVSET;       /* lower priority: must wait for us */
    dsb();
    isb();
    evlog_put('s');
}

static void yield(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
    dsb();
    isb();
}

static void task_body(unsigned me, char tag)
{
    for (int i = 0; i < 3; i++) {
        evlog_put((char)(tag + i));
        yield();
    }
    task_done[me] = 1;
    for (;;)
        yield();                     /* never scheduled again */
}

static void task_a(void) { task_body(1, 'a'); }
static void task_b(void) { task_body(2, 'x'); }

static void init_task(struct tcb *t, uint32_t *stack_top, void (*fn)(void),
                      uint32_t r4_seed)
{
    uint32_t *frame = stack_top - 8;
    frame[0] = 0;                                /* r0 */
    frame[1] = 1;                                /* r1 */
    frame[2] = 2;                                /* r2 */
    frame[3] = 3;                                /* r3 */
    frame[4] = 12;                               /* r12 */
    frame[5] = 0xFFFFFFFFu;                      /* lr: tasks never return */
    frame[6] = (uint32_t)fn & ~1u;               /* pc */
    frame[7] = 1u << 24;                         /* xPSR: Thumb */
    for (int i = 0; i < 8; i++)
        t->r4_r11[i] = r4_seed + (uint32_t)i;
    t->psp = (uint32_t)frame;
    t->exc_return = 0xFFFFFFFDu;                 /* thread mode, PSP */
}

static void print_log(const char *what)
{
    printf("%s: %s\n", what, (const char *)evlog);
    evlog_len = 0;
    for (int i = 0; i <= EVLOG_MAX; i++)
        evlog[i] = 0;
}

int main(void)
{
    printf("pendsv\n");
    /* PendSV lowest (0xFF -> 0xC0 with 2 priority bits), SVC higher */
    SCB_SHPR3 = (SCB_SHPR3 & 0xFF00FFFFu) | (0xFFu << 16);
    SCB_SHPR2 = (0x40u << 24);
    printf("SHPR3 PendSV priority reads %02lx, SHPR2 SVC priority reads %02lx\n",
           (unsigned long)(SCB_SHPR3 >> 16 & 0xFF), (unsigned long)(SCB_SHPR2 >> 24));

    evlog_put('1');
    yield();
    evlog_put('2');
    print_log("pend from thread");
    printf("  in PendSV: IPSR %lu, ICSR.VECTACTIVE %lu, ICSR.PENDSVSET %lu\n",
           (unsigned long)pendsv_ipsr, (unsigned long)(pendsv_icsr & ICSR_VECTACTIVE_MASK),
           (unsigned long)(pendsv_icsr >> 28 & 1));

    irq_disable();
    evlog_put('1');
    SCB_ICSR = ICSR_PENDSVSET;
    dsb();
    isb();
    evlog_put('2');
    uint32_t pending = SCB_ICSR >> 28 & 1;
    irq_enable();
    isb();
    evlog_put('3');
    print_log("pend with PRIMASK set");
    printf("  ICSR.PENDSVSET while masked: %lu, after: %lu\n", (unsigned long)pending,
           (unsigned long)(SCB_ICSR >> 28 & 1));

    irq_disable();
    SCB_ICSR = ICSR_PENDSVSET;
    SCB_ICSR = ICSR_PENDSVCLR;
    irq_enable();
    isb();
    evlog_put('-');
    print_log("pend then PENDSVCLR");

    evlog_put('1');
    __asm__ volatile("svc #0" ::: "memory");
    evlog_put('2');
    print_log("pend from SVC handler");

    /* round-robin scheduler: main, A, B */
    init_task(&tcbs[1], &stack_a[96], task_a, 0xA0);
    init_task(&tcbs[2], &stack_b[96], task_b, 0xB0);
    current_tcb = &tcbs[0];
    register uint32_t keep_r4 __asm__("r4") = 0x4444;
    register uint32_t keep_r8 __asm__("r8");
    __asm__ volatile("mov r8, %1" : "=r"(keep_r8) : "r"(0x8888u));
    int rounds = 0;
    while (!(task_done[1] && task_done[2])) {
        evlog_put('M');
        yield();
        rounds++;
    }
    __asm__ volatile("" : "+r"(keep_r4), "+r"(keep_r8));
    uint32_t r8_now;
    __asm__ volatile("mov %0, r8" : "=r"(r8_now));
    current_tcb = 0;
    print_log("scheduler");
    printf("  main rounds %d, context switches %u, CONTROL %lu, "
           "main r4 kept %s, r8 kept %s\n", rounds, switches,
           (unsigned long)get_control(), keep_r4 == 0x4444 ? "yes" : "no",
           r8_now == 0x8888 ? "yes" : "no");
    printf("  task A r4-r11 in TCB: %08lx..%08lx\n", (unsigned long)tcbs[1].r4_r11[0],
           (unsigned long)tcbs[1].r4_r11[7]);
    return 0;
}

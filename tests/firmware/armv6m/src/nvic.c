/*
 * nvic — external interrupts pended by software through NVIC_ISPR, with
 * priorities and preemption.  IRQ 20..23 are used (nRF51 SWI0..3 on QEMU's
 * micro:bit: no peripheral drives them).  Priorities (2 implemented bits):
 *   IRQ20 "H" 0x40, IRQ21 "L" 0xC0, IRQ22 "A" 0x80, IRQ23 "B" 0x80.
 * Handlers only append to an event log; main prints it afterwards.
 */
#include <stdio.h>
#include <stdint.h>
#include "m0.h"

EVLOG_DEFINE;

#define IRQ_H 20
#define IRQ_L 21
#define IRQ_A 22
#define IRQ_B 23

static volatile unsigned scenario;
static volatile uint32_t ipsr_seen[32];

static void pend(unsigned n) { NVIC_ISPR = 1u << n; dsb(); isb(); }

void IRQ20_Handler(void)     /* H: high priority */
{
    ipsr_seen[IRQ_H] = get_ipsr();
    evlog_put('H');
    if (scenario == 2) {
        pend(IRQ_L);          /* lower priority: must wait until H returns */
        evlog_put('h');
    }
}

void IRQ21_Handler(void)     /* L: low priority */
{
    ipsr_seen[IRQ_L] = get_ipsr();
    evlog_put('L');
    if (scenario == 1) {
        pend(IRQ_H);          /* higher priority: preempts right here */
        evlog_put('l');
    }
}

void IRQ22_Handler(void)     /* A: middle priority */
{
    evlog_put('A');
    if (scenario == 4) {
        pend(IRQ_B);          /* same priority: no preemption */
        evlog_put('a');
    }
}

void IRQ23_Handler(void)     /* B: middle priority */
{
    evlog_put('B');
}

static void show(const char *what)
{
    printf("%-44s %s\n", what, (const char *)evlog);
    evlog_len = 0;
    for (int i = 0; i <= EVLOG_MAX; i++)
        evlog[i] = 0;
}

int main(void)
{
    printf("nvic\n");
    nvic_set_priority(IRQ_H, 0x40);
    nvic_set_priority(IRQ_L, 0xFF);          /* reads back as 0xC0 */
    nvic_set_priority(IRQ_A, 0x80);
    nvic_set_priority(IRQ_B, 0x80);
    printf("IPR5 = %08lx\n", (unsigned long)NVIC_IPR(5));

    NVIC_ICPR = 0xFFFFFFFFu;
    NVIC_ISER = (1u << IRQ_H) | (1u << IRQ_L) | (1u << IRQ_A) | (1u << IRQ_B);
    printf("ISER reads %08lx\n", (unsigned long)(NVIC_ISER & 0x00F00000u));

    scenario = 1;
    evlog_put('<');
    pend(IRQ_L);
    evlog_put('>');
    show("1: L pends H -> H preempts L:");

    scenario = 2;
    evlog_put('<');
    pend(IRQ_H);
    evlog_put('>');
    show("2: H pends L -> L runs after H:");

    scenario = 3;
    irq_disable();
    evlog_put('<');
    NVIC_ISPR = (1u << IRQ_L) | (1u << IRQ_B) | (1u << IRQ_H) | (1u << IRQ_A);
    dsb();
    uint32_t pending = NVIC_ISPR & 0x00F00000u;
    evlog_put('|');
    irq_enable();
    isb();
    evlog_put('>');
    show("3: all four pended under PRIMASK:");
    printf("   ISPR while masked %08lx, after %08lx\n", (unsigned long)pending,
           (unsigned long)(NVIC_ISPR & 0x00F00000u));

    scenario = 4;
    evlog_put('<');
    pend(IRQ_A);
    evlog_put('>');
    show("4: A pends B (same priority) -> tail-chain:");

    scenario = 5;
    NVIC_ICER = 1u << IRQ_A;
    evlog_put('<');
    pend(IRQ_A);
    evlog_put('|');
    uint32_t p5 = NVIC_ISPR >> IRQ_A & 1;
    NVIC_ISER = 1u << IRQ_A;                 /* taken as soon as enabled */
    dsb();
    isb();
    evlog_put('>');
    show("5: pended while disabled, then enabled:");
    printf("   pending bit while disabled %lu\n", (unsigned long)p5);

    scenario = 6;
    irq_disable();
    pend(IRQ_B);
    NVIC_ICPR = 1u << IRQ_B;                 /* cleared before it can run */
    irq_enable();
    isb();
    evlog_put('-');
    show("6: pended then cleared with ICPR:");

    printf("IPSR seen in H %lu, in L %lu\n", (unsigned long)ipsr_seen[IRQ_H],
           (unsigned long)ipsr_seen[IRQ_L]);
    NVIC_ICER = 0xFFFFFFFFu;
    printf("ICER cleared enables: ISER reads %08lx\n", (unsigned long)NVIC_ISER);
    return 0;
}

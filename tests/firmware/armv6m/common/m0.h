/*
 * m0.h — tiny register map and intrinsics for the ARMv6-M test programs.
 * Only architectural (ARMv6-M) System Control Space registers are used, so
 * the programs behave the same on circuitemu's test-m0 and QEMU's microbit.
 */
#ifndef TEST_M0_H
#define TEST_M0_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick (ARMv6-M ARM B3.3) */
#define SYST_CSR   REG32(0xE000E010u)
#define SYST_RVR   REG32(0xE000E014u)
#define SYST_CVR   REG32(0xE000E018u)
#define SYST_CALIB REG32(0xE000E01Cu)
#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)
#define SYST_CSR_COUNTFLAG (1u << 16)

/* NVIC (ARMv6-M ARM B3.4); IPR registers are word-access only on v6-M */
#define NVIC_ISER  REG32(0xE000E100u)
#define NVIC_ICER  REG32(0xE000E180u)
#define NVIC_ISPR  REG32(0xE000E200u)
#define NVIC_ICPR  REG32(0xE000E280u)
#define NVIC_IPR(n) REG32(0xE000E400u + 4u * (n))

/* System control block */
#define SCB_ICSR   REG32(0xE000ED04u)
#define SCB_AIRCR  REG32(0xE000ED0Cu)
#define SCB_SCR    REG32(0xE000ED10u)
#define SCB_CCR    REG32(0xE000ED14u)
#define SCB_SHPR2  REG32(0xE000ED1Cu)
#define SCB_SHPR3  REG32(0xE000ED20u)
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_PENDSVCLR (1u << 27)
#define ICSR_PENDSTSET (1u << 26)
#define ICSR_PENDSTCLR (1u << 25)
#define ICSR_VECTACTIVE_MASK 0x3Fu

static inline void irq_enable(void)  { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

static inline uint32_t get_ipsr(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}

static inline uint32_t get_primask(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, primask" : "=r"(v));
    return v;
}

static inline uint32_t get_control(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, control" : "=r"(v));
    return v;
}

static inline void set_control(uint32_t v)
{
    __asm__ volatile("msr control, %0\n\tisb" :: "r"(v) : "memory");
}

static inline uint32_t get_psp(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, psp" : "=r"(v));
    return v;
}

static inline void set_psp(uint32_t v)
{
    __asm__ volatile("msr psp, %0" :: "r"(v) : "memory");
}

static inline uint32_t get_msp(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, msp" : "=r"(v));
    return v;
}

/* Set the 2 implemented priority bits of external interrupt n (0..31). */
static inline void nvic_set_priority(unsigned n, uint32_t prio)
{
    unsigned shift = (n & 3u) * 8u;
    uint32_t v = NVIC_IPR(n >> 2);
    v &= ~(0xFFu << shift);
    v |= (prio & 0xFFu) << shift;
    NVIC_IPR(n >> 2) = v;
}

/* A small event log that handlers append to; main prints it afterwards so
 * that no printf ever runs re-entrantly. */
#define EVLOG_MAX 128
extern volatile char evlog[EVLOG_MAX + 1];
extern volatile unsigned evlog_len;

static inline void evlog_put(char c)
{
    uint32_t pm = get_primask();      /* atomic against preemption */
    irq_disable();
    unsigned n = evlog_len;
    if (n < EVLOG_MAX) {
        evlog[n] = c;
        evlog_len = n + 1;
    }
    if (!pm)
        irq_enable();
}

#define EVLOG_DEFINE \
    volatile char evlog[EVLOG_MAX + 1]; \
    volatile unsigned evlog_len

#endif

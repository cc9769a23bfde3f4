/*
 * samd21.h — the SAMD21 registers the test programs use, written from the data sheet
 * (DS40001882): base addresses (10.2), register offsets and bits (sections 13-24).
 * Plain volatile accessors, no CMSIS.
 */
#ifndef SAMD21_H
#define SAMD21_H
#include <stdint.h>

#define REG8(a)  (*(volatile uint8_t  *)(a))
#define REG16(a) (*(volatile uint16_t *)(a))
#define REG32(a) (*(volatile uint32_t *)(a))

/* PM (16.8) */
#define PM_BASE          0x40000400u
#define PM_CPUSEL        REG8(PM_BASE + 0x08)
#define PM_APBASEL       REG8(PM_BASE + 0x09)
#define PM_APBBSEL       REG8(PM_BASE + 0x0A)
#define PM_APBCSEL       REG8(PM_BASE + 0x0B)
#define PM_AHBMASK       REG32(PM_BASE + 0x14)
#define PM_APBAMASK      REG32(PM_BASE + 0x18)
#define PM_APBBMASK      REG32(PM_BASE + 0x1C)
#define PM_APBCMASK      REG32(PM_BASE + 0x20)
#define PM_RCAUSE        REG8(PM_BASE + 0x38)
#define PM_APBCMASK_EVSYS (1u << 1)

/* SYSCTRL (17.8) */
#define SYSCTRL_BASE     0x40000800u
#define SYSCTRL_PCLKSR   REG32(SYSCTRL_BASE + 0x0C)
#define SYSCTRL_XOSC32K  REG16(SYSCTRL_BASE + 0x14)
#define SYSCTRL_OSC32K   REG32(SYSCTRL_BASE + 0x18)
#define SYSCTRL_OSC8M    REG32(SYSCTRL_BASE + 0x20)
#define SYSCTRL_DFLLCTRL REG16(SYSCTRL_BASE + 0x24)
#define SYSCTRL_DFLLVAL  REG32(SYSCTRL_BASE + 0x28)
#define SYSCTRL_DFLLMUL  REG32(SYSCTRL_BASE + 0x2C)
#define SYSCTRL_BOD33    REG32(SYSCTRL_BASE + 0x34)
#define PCLKSR_XOSC32KRDY (1u << 1)
#define PCLKSR_OSC32KRDY  (1u << 2)
#define PCLKSR_OSC8MRDY   (1u << 3)
#define PCLKSR_DFLLRDY    (1u << 4)
#define PCLKSR_DFLLLCKF   (1u << 6)
#define PCLKSR_DFLLLCKC   (1u << 7)
#define OSC32K_ENABLE     (1u << 1)
#define OSC32K_EN32K      (1u << 2)
#define OSC32K_STARTUP(n) ((uint32_t)(n) << 8)
#define OSC32K_CALIB(n)   ((uint32_t)(n) << 16)
#define XOSC32K_ENABLE    (1u << 1)
#define XOSC32K_XTALEN    (1u << 2)
#define XOSC32K_EN32K     (1u << 3)
#define XOSC32K_STARTUP(n) ((uint32_t)(n) << 8)
#define DFLLCTRL_ENABLE   (1u << 1)
#define DFLLCTRL_MODE     (1u << 2)
#define DFLLCTRL_USBCRM   (1u << 5)
#define DFLLCTRL_CCDIS    (1u << 8)
#define DFLLCTRL_QLDIS    (1u << 9)
#define DFLLVAL_COARSE(n) ((uint32_t)(n) << 10)
#define DFLLVAL_FINE(n)   ((uint32_t)(n))
#define DFLLMUL_CSTEP(n)  ((uint32_t)(n) << 26)
#define DFLLMUL_FSTEP(n)  ((uint32_t)(n) << 16)
#define DFLLMUL_MUL(n)    ((uint32_t)(n))

/* GCLK (15.8) */
#define GCLK_BASE        0x40000C00u
#define GCLK_CTRL        REG8(GCLK_BASE + 0x00)
#define GCLK_STATUS      REG8(GCLK_BASE + 0x01)
#define GCLK_CLKCTRL     REG16(GCLK_BASE + 0x02)
#define GCLK_CLKCTRL_ID  REG8(GCLK_BASE + 0x02)
#define GCLK_GENCTRL     REG32(GCLK_BASE + 0x04)
#define GCLK_GENCTRL_ID  REG8(GCLK_BASE + 0x04)
#define GCLK_GENDIV      REG32(GCLK_BASE + 0x08)
#define GCLK_STATUS_SYNCBUSY (1u << 7)
#define GENCTRL_ID(n)    ((uint32_t)(n))
#define GENCTRL_SRC(n)   ((uint32_t)(n) << 8)
#define GENCTRL_GENEN    (1u << 16)
#define GENCTRL_IDC      (1u << 17)
#define GENDIV_ID(n)     ((uint32_t)(n))
#define GENDIV_DIV(n)    ((uint32_t)(n) << 8)
#define CLKCTRL_ID(n)    ((uint16_t)(n))
#define CLKCTRL_GEN(n)   ((uint16_t)((n) << 8))
#define CLKCTRL_CLKEN    ((uint16_t)(1u << 14))
#define SRC_OSCULP32K 3
#define SRC_OSC32K    4
#define SRC_XOSC32K   5
#define SRC_OSC8M     6
#define SRC_DFLL48M   7
#define GCLK_ID_DFLL48M_REF 0
#define GCLK_ID_RTC   4
#define GCLK_ID_EIC   5
#define GCLK_ID_EVSYS_0 7

/* NVMCTRL (22.8) */
#define NVMCTRL_BASE     0x41004000u
#define NVMCTRL_CTRLA    REG16(NVMCTRL_BASE + 0x00)
#define NVMCTRL_CTRLB    REG32(NVMCTRL_BASE + 0x04)
#define NVMCTRL_PARAM    REG32(NVMCTRL_BASE + 0x08)
#define NVMCTRL_INTFLAG  REG8(NVMCTRL_BASE + 0x14)
#define NVMCTRL_STATUS   REG16(NVMCTRL_BASE + 0x18)
#define NVMCTRL_ADDR     REG32(NVMCTRL_BASE + 0x1C)
#define NVMCTRL_CMD(c)   ((uint16_t)(0xA500u | (c)))
#define NVM_CMD_ER  0x02
#define NVM_CMD_WP  0x04
#define NVM_CMD_PBC 0x44
#define NVMCTRL_CTRLB_RWS(n) ((uint32_t)(n) << 1)
#define NVMCTRL_CTRLB_MANW   (1u << 7)
#define NVMCTRL_INTFLAG_READY (1u << 0)

/* PORT (23.8) */
#define PORT_BASE        0x41004400u
#define PORT_DIRSET(g)   REG32(PORT_BASE + 0x80 * (g) + 0x08)
#define PORT_DIRCLR(g)   REG32(PORT_BASE + 0x80 * (g) + 0x04)
#define PORT_OUTCLR(g)   REG32(PORT_BASE + 0x80 * (g) + 0x14)
#define PORT_OUTSET(g)   REG32(PORT_BASE + 0x80 * (g) + 0x18)
#define PORT_OUTTGL(g)   REG32(PORT_BASE + 0x80 * (g) + 0x1C)
#define PORT_IN(g)       REG32(PORT_BASE + 0x80 * (g) + 0x20)
#define PORT_WRCONFIG(g) REG32(PORT_BASE + 0x80 * (g) + 0x28)
#define PORT_PMUX(g, n)  REG8(PORT_BASE + 0x80 * (g) + 0x30 + (n))
#define PORT_PINCFG(g, n) REG8(PORT_BASE + 0x80 * (g) + 0x40 + (n))
#define PINCFG_PMUXEN 0x01
#define PINCFG_INEN   0x02
#define PINCFG_PULLEN 0x04
#define IOBUS_OUTTGL(g)  REG32(0x60000000u + 0x80 * (g) + 0x1C)

/* EIC (21.8) */
#define EIC_BASE         0x40001800u
#define EIC_CTRL         REG8(EIC_BASE + 0x00)
#define EIC_STATUS       REG8(EIC_BASE + 0x01)
#define EIC_INTENSET     REG32(EIC_BASE + 0x0C)
#define EIC_INTFLAG      REG32(EIC_BASE + 0x10)
#define EIC_CONFIG(n)    REG32(EIC_BASE + 0x18 + 4 * (n))
#define EIC_SENSE_RISE   1u
#define EIC_SENSE_FALL   2u

/* EVSYS (24.8) */
#define EVSYS_BASE       0x42000400u
#define EVSYS_CTRL       REG8(EVSYS_BASE + 0x00)
#define EVSYS_CHANNEL    REG32(EVSYS_BASE + 0x04)
#define EVSYS_INTENSET   REG32(EVSYS_BASE + 0x14)
#define EVSYS_INTFLAG    REG32(EVSYS_BASE + 0x18)
#define EVSYS_CHANNEL_EVGEN(n)  ((uint32_t)(n) << 16)
#define EVSYS_CHANNEL_PATH_RESYNC (1u << 24)
#define EVSYS_CHANNEL_EDGSEL_RISING (1u << 26)
#define EVSYS_EVD(n) (1u << (8 + (n)))
#define EVGEN_RTC_PER(n) (0x04 + (n))

/* RTC MODE0 (19.8) */
#define RTC_BASE         0x40001400u
#define RTC_CTRL         REG16(RTC_BASE + 0x00)
#define RTC_READREQ      REG16(RTC_BASE + 0x02)
#define RTC_EVCTRL       REG16(RTC_BASE + 0x04)
#define RTC_INTENCLR     REG8(RTC_BASE + 0x06)
#define RTC_INTENSET     REG8(RTC_BASE + 0x07)
#define RTC_INTFLAG      REG8(RTC_BASE + 0x08)
#define RTC_STATUS       REG8(RTC_BASE + 0x0A)
#define RTC_COUNT        REG32(RTC_BASE + 0x10)
#define RTC_COMP0        REG32(RTC_BASE + 0x18)
#define RTC_CTRL_SWRST   (1u << 0)
#define RTC_CTRL_ENABLE  (1u << 1)
#define RTC_CTRL_PRESCALER(n) ((uint16_t)((n) << 8))
#define RTC_STATUS_SYNCBUSY (1u << 7)
#define RTC_INT_CMP0     (1u << 0)

/* DSU (13.13) */
#define DSU_DID          REG32(0x41002018u)

/* NVIC / SCB (ARMv6-M B3) */
#define NVIC_ISER        REG32(0xE000E100u)
#define NVIC_ICPR        REG32(0xE000E280u)
#define SCB_VTOR         REG32(0xE000ED08u)
#define IRQ_RTC   3
#define IRQ_EIC   4
#define IRQ_EVSYS 8

/* The result block the tests read (RAM, fixed address, see the linker script). */
struct result {
    uint32_t magic;          /* 0x5A3D2100 once started, | 0xFF when done */
    uint32_t step;           /* last step reached */
    uint32_t errors;         /* bit mask of failed checks */
    uint32_t did;
    uint32_t rcause;
    uint32_t pclksr;
    uint32_t rtc_irqs;
    uint32_t eic_irqs;
    uint32_t tick_irqs;
    uint32_t toggles;
    uint32_t rtc_elapsed;    /* RTC counts across a busy loop */
    uint32_t loop_iterations;
    uint32_t nvm_word;
    uint32_t genctrl0;
    uint32_t clkctrl_rtc;
};
#define RESULT ((volatile struct result *)0x20007F00u)
#define RESULT_MAGIC 0x5A3D2100u

#endif

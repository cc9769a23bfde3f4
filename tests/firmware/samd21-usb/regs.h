/*
 * regs.h — the SAMD21 registers the USB echo firmware touches, from data sheet DS40001882:
 * NVMCTRL (22.8), SYSCTRL (17.8), GCLK (15.8), PORT (23.8), NVIC (ARMv6-M), USB device (32.8).
 */
#ifndef REGS_H
#define REGS_H
#include <stdint.h>

#define R8(a)  (*(volatile uint8_t  *)(a))
#define R16(a) (*(volatile uint16_t *)(a))
#define R32(a) (*(volatile uint32_t *)(a))

#define NVMCTRL_CTRLB      R32(0x41004004u)
#define SYSCTRL_PCLKSR     R32(0x4000080Cu)
#define SYSCTRL_DFLLCTRL   R16(0x40000824u)
#define SYSCTRL_DFLLVAL    R32(0x40000828u)
#define SYSCTRL_DFLLMUL    R32(0x4000082Cu)
#define PCLKSR_DFLLRDY     (1u << 4)
#define GCLK_STATUS        R8(0x40000C01u)
#define GCLK_CLKCTRL       R16(0x40000C02u)
#define GCLK_GENCTRL       R32(0x40000C04u)
#define GCLK_GENDIV        R32(0x40000C08u)
#define PORT_PMUX0(n)      R8(0x41004430u + (n))
#define PORT_PINCFG0(n)    R8(0x41004440u + (n))
#define NVIC_ISER          R32(0xE000E100u)

/* USB device (32.8.1-32.8.5); base 0x41005000 */
#define USB_BASE           0x41005000u
#define USB_CTRLA          R8(USB_BASE + 0x00)
#define USB_SYNCBUSY       R8(USB_BASE + 0x02)
#define USB_QOSCTRL        R8(USB_BASE + 0x03)
#define USB_CTRLB          R16(USB_BASE + 0x08)
#define USB_DADD           R8(USB_BASE + 0x0A)
#define USB_INTENCLR       R16(USB_BASE + 0x14)
#define USB_INTENSET       R16(USB_BASE + 0x18)
#define USB_INTFLAG        R16(USB_BASE + 0x1C)
#define USB_EPINTSMRY      R16(USB_BASE + 0x20)
#define USB_DESCADD        R32(USB_BASE + 0x24)
#define USB_PADCAL         R16(USB_BASE + 0x28)
#define USB_EP(n, off)     (USB_BASE + 0x100u + 0x20u * (n) + (off))
#define USB_EPCFG(n)       R8(USB_EP(n, 0x00))
#define USB_EPSTATUSCLR(n) R8(USB_EP(n, 0x04))
#define USB_EPSTATUSSET(n) R8(USB_EP(n, 0x05))
#define USB_EPSTATUS(n)    R8(USB_EP(n, 0x06))
#define USB_EPINTFLAG(n)   R8(USB_EP(n, 0x07))
#define USB_EPINTENCLR(n)  R8(USB_EP(n, 0x08))
#define USB_EPINTENSET(n)  R8(USB_EP(n, 0x09))

#define CTRLA_SWRST        (1u << 0)
#define CTRLA_ENABLE       (1u << 1)
#define CTRLA_RUNSTDBY     (1u << 2)
#define SYNCBUSY_SWRST     (1u << 0)
#define SYNCBUSY_ENABLE    (1u << 1)
#define CTRLB_DETACH       (1u << 0)
#define DADD_ADDEN         (1u << 7)
#define INT_SUSPEND        (1u << 0)
#define INT_SOF            (1u << 2)
#define INT_EORST          (1u << 3)
#define EPSTATUS_DTGLOUT   (1u << 0)
#define EPSTATUS_DTGLIN    (1u << 1)
#define EPSTATUS_STALLRQ0  (1u << 4)
#define EPSTATUS_STALLRQ1  (1u << 5)
#define EPSTATUS_BK0RDY    (1u << 6)
#define EPSTATUS_BK1RDY    (1u << 7)
#define EPINT_TRCPT0       (1u << 0)
#define EPINT_TRCPT1       (1u << 1)
#define EPINT_RXSTP        (1u << 4)

/* Endpoint descriptor bank in RAM (32.8.6). */
typedef struct {
    volatile uint32_t addr;
    volatile uint32_t pcksize;   /* BYTE_COUNT 13:0, MULTI_PACKET_SIZE 27:14, SIZE 30:28, AUTO_ZLP 31 */
    volatile uint16_t extreg;
    volatile uint8_t  status_bk;
    uint8_t reserved[5];
} usb_bank_t;

#define PCK_BYTE_COUNT(n)  ((uint32_t)(n) & 0x3FFFu)
#define PCK_MULTI(n)       (((uint32_t)(n) & 0x3FFFu) << 14)
#define PCK_SIZE_64        (3u << 28)
#define PCK_SIZE_8         (0u << 28)
#define PCK_AUTO_ZLP       (1u << 31)

#endif

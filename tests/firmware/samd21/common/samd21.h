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

/* ---- Peripherals used by the periph_* programs (data sheet sections 20, 25-35) ---- */

/* PM bus clock masks (16.8.8-16.8.11) */
#define PM_AHBMASK_DMAC      (1u << 5)
#define PM_APBBMASK_DMAC     (1u << 4)
#define PM_APBCMASK_SERCOM(n) (1u << (2 + (n)))
#define PM_APBCMASK_TCC(n)   (1u << (8 + (n)))
#define PM_APBCMASK_TC(n)    (1u << (11 + (n) - 3))
#define PM_APBCMASK_ADC      (1u << 16)
#define PM_APBCMASK_DAC      (1u << 18)
#define PM_APBCMASK_PTC      (1u << 19)

/* GCLK channel IDs (15.8.3 table 15-5) */
#define GCLK_ID_SERCOMX_SLOW 19
#define GCLK_ID_SERCOM_CORE(n) (20 + (n))
#define GCLK_ID_TCC0_TCC1 26
#define GCLK_ID_TCC2_TC3  27
#define GCLK_ID_TC4_TC5   28
#define GCLK_ID_ADC       30
#define GCLK_ID_DAC       33
#define GCLK_ID_PTC       34

/* SERCOM (25-28): one block per instance, 0x42000800 + 0x400 n */
#define SERCOM_BASE(n)       (0x42000800u + 0x400u * (n))
#define SERCOM_CTRLA(n)      REG32(SERCOM_BASE(n) + 0x00)
#define SERCOM_CTRLB(n)      REG32(SERCOM_BASE(n) + 0x04)
#define SERCOM_BAUD8(n)      REG8(SERCOM_BASE(n) + 0x0C)
#define SERCOM_BAUD16(n)     REG16(SERCOM_BASE(n) + 0x0C)
#define SERCOM_BAUD32(n)     REG32(SERCOM_BASE(n) + 0x0C)
#define SERCOM_INTENCLR(n)   REG8(SERCOM_BASE(n) + 0x14)
#define SERCOM_INTENSET(n)   REG8(SERCOM_BASE(n) + 0x16)
#define SERCOM_INTFLAG(n)    REG8(SERCOM_BASE(n) + 0x18)
#define SERCOM_STATUS(n)     REG16(SERCOM_BASE(n) + 0x1A)
#define SERCOM_SYNCBUSY(n)   REG32(SERCOM_BASE(n) + 0x1C)
#define SERCOM_ADDR(n)       REG32(SERCOM_BASE(n) + 0x24)
#define SERCOM_DATA(n)       REG32(SERCOM_BASE(n) + 0x28)
#define SERCOM_DATA8(n)      REG8(SERCOM_BASE(n) + 0x28)
#define SERCOM_DATA_ADDR(n)  (SERCOM_BASE(n) + 0x28)
#define SERCOM_CTRLA_SWRST   (1u << 0)
#define SERCOM_CTRLA_ENABLE  (1u << 1)
#define SERCOM_CTRLA_MODE(n) ((uint32_t)(n) << 2)
#define SERCOM_MODE_USART_INT 1
#define SERCOM_MODE_SPI_MASTER 3
#define SERCOM_MODE_I2C_MASTER 5
#define SERCOM_SYNCBUSY_SWRST  (1u << 0)
#define SERCOM_SYNCBUSY_ENABLE (1u << 1)
#define SERCOM_SYNCBUSY_CTRLB  (1u << 2)   /* SPI/USART; SYSOP in I2C master */
/* SPI (27.8) */
#define SPI_CTRLA_DOPO(n)    ((uint32_t)(n) << 16)
#define SPI_CTRLA_DIPO(n)    ((uint32_t)(n) << 20)
#define SPI_CTRLA_CPHA       (1u << 28)
#define SPI_CTRLA_CPOL       (1u << 29)
#define SPI_CTRLA_DORD       (1u << 30)
#define SPI_CTRLB_CHSIZE(n)  ((uint32_t)(n) << 0)
#define SPI_CTRLB_RXEN       (1u << 17)
#define SPI_INT_DRE          (1u << 0)
#define SPI_INT_TXC          (1u << 1)
#define SPI_INT_RXC          (1u << 2)
#define SPI_INT_ERROR        (1u << 7)
#define SPI_STATUS_BUFOVF    (1u << 2)
/* I2C master (28.10) */
#define I2CM_CTRLA_SDAHOLD(n)  ((uint32_t)(n) << 20)
#define I2CM_CTRLA_SPEED(n)    ((uint32_t)(n) << 24)
#define I2CM_CTRLA_INACTOUT(n) ((uint32_t)(n) << 28)
#define I2CM_CTRLB_SMEN      (1u << 8)
#define I2CM_CTRLB_CMD(n)    ((uint32_t)(n) << 16)
#define I2CM_CTRLB_ACKACT    (1u << 18)
#define I2CM_CMD_REPSTART 1
#define I2CM_CMD_READ     2
#define I2CM_CMD_STOP     3
#define I2CM_INT_MB          (1u << 0)
#define I2CM_INT_SB          (1u << 1)
#define I2CM_INT_ERROR       (1u << 7)
#define I2CM_STATUS_BUSERR   (1u << 0)
#define I2CM_STATUS_ARBLOST  (1u << 1)
#define I2CM_STATUS_RXNACK   (1u << 2)
#define I2CM_STATUS_BUSSTATE(s) ((uint16_t)((s) << 4))
#define I2CM_BUSSTATE_IDLE   1
#define I2CM_BUSSTATE_OWNER  2

/* PORT pin multiplexing (23.8.12): PMUXE (even pin) bits 0-3, PMUXO (odd pin) bits 4-7 */
#define PORT_DIR(g)          REG32(PORT_BASE + 0x80 * (g) + 0x00)
#define PORT_OUT(g)          REG32(PORT_BASE + 0x80 * (g) + 0x10)
#define PMUX_A 0
#define PMUX_B 1
#define PMUX_C 2
#define PMUX_D 3
#define PMUX_E 4
#define PMUX_F 5
#define PMUX_G 6
#define PMUX_H 7

/* DMAC (20.8, descriptors 20.10) */
#define DMAC_BASE            0x41004800u
#define DMAC_CTRL            REG16(DMAC_BASE + 0x00)
#define DMAC_SWTRIGCTRL      REG32(DMAC_BASE + 0x10)
#define DMAC_PRICTRL0        REG32(DMAC_BASE + 0x14)
#define DMAC_INTPEND         REG16(DMAC_BASE + 0x20)
#define DMAC_INTSTATUS       REG32(DMAC_BASE + 0x24)
#define DMAC_BUSYCH          REG32(DMAC_BASE + 0x28)
#define DMAC_BASEADDR        REG32(DMAC_BASE + 0x34)
#define DMAC_WRBADDR         REG32(DMAC_BASE + 0x38)
#define DMAC_CHID            REG8(DMAC_BASE + 0x3F)
#define DMAC_CHCTRLA         REG8(DMAC_BASE + 0x40)
#define DMAC_CHCTRLB         REG32(DMAC_BASE + 0x44)
#define DMAC_CHINTENCLR      REG8(DMAC_BASE + 0x4C)
#define DMAC_CHINTENSET      REG8(DMAC_BASE + 0x4D)
#define DMAC_CHINTFLAG       REG8(DMAC_BASE + 0x4E)
#define DMAC_CHSTATUS        REG8(DMAC_BASE + 0x4F)
#define DMAC_CTRL_SWRST      (1u << 0)
#define DMAC_CTRL_DMAENABLE  (1u << 1)
#define DMAC_CTRL_LVLEN(n)   (1u << (8 + (n)))
#define DMAC_CHCTRLA_SWRST   (1u << 0)
#define DMAC_CHCTRLA_ENABLE  (1u << 1)
#define DMAC_CHCTRLB_LVL(n)     ((uint32_t)(n) << 5)
#define DMAC_CHCTRLB_TRIGSRC(n) ((uint32_t)(n) << 8)
#define DMAC_CHCTRLB_TRIGACT(n) ((uint32_t)(n) << 22)
#define DMAC_TRIGACT_BLOCK 0
#define DMAC_TRIGACT_BEAT  2
#define DMAC_TRIGACT_TRANSACTION 3
#define DMAC_CHINT_TERR      (1u << 0)
#define DMAC_CHINT_TCMPL     (1u << 1)
#define DMAC_CHINT_SUSP      (1u << 2)
#define DMAC_TRIG_SERCOM_RX(n) (0x01 + 2 * (n))
#define DMAC_TRIG_SERCOM_TX(n) (0x02 + 2 * (n))
#define BTCTRL_VALID         (1u << 0)
#define BTCTRL_BLOCKACT(n)   ((uint16_t)((n) << 3))
#define BTCTRL_BEATSIZE(n)   ((uint16_t)((n) << 8))   /* 0 byte, 1 half-word, 2 word */
#define BTCTRL_SRCINC        (1u << 10)
#define BTCTRL_DSTINC        (1u << 11)
struct dmac_descriptor {
    uint16_t btctrl;
    uint16_t btcnt;
    uint32_t srcaddr;     /* with SRCINC: the address just past the block (20.6.2.7) */
    uint32_t dstaddr;     /* with DSTINC: likewise */
    uint32_t descaddr;
};

/* TC3-TC5, 16-bit mode (30.8) */
#define TC_BASE(n)           (0x42002C00u + 0x400u * ((n) - 3))
#define TC_CTRLA(n)          REG16(TC_BASE(n) + 0x00)
#define TC_READREQ(n)        REG16(TC_BASE(n) + 0x02)
#define TC_CTRLBCLR(n)       REG8(TC_BASE(n) + 0x04)
#define TC_CTRLBSET(n)       REG8(TC_BASE(n) + 0x05)
#define TC_CTRLC(n)          REG8(TC_BASE(n) + 0x06)
#define TC_EVCTRL(n)         REG16(TC_BASE(n) + 0x0A)
#define TC_INTENCLR(n)       REG8(TC_BASE(n) + 0x0C)
#define TC_INTENSET(n)       REG8(TC_BASE(n) + 0x0D)
#define TC_INTFLAG(n)        REG8(TC_BASE(n) + 0x0E)
#define TC_STATUS(n)         REG8(TC_BASE(n) + 0x0F)
#define TC_COUNT16(n)        REG16(TC_BASE(n) + 0x10)
#define TC_CC16(n, x)        REG16(TC_BASE(n) + 0x18 + 2 * (x))
#define TC_CTRLA_SWRST       (1u << 0)
#define TC_CTRLA_ENABLE      (1u << 1)
#define TC_CTRLA_MODE_COUNT16 (0u << 2)
#define TC_CTRLA_WAVEGEN(n)  ((uint16_t)((n) << 5))   /* 0 NFRQ, 1 MFRQ, 2 NPWM, 3 MPWM */
#define TC_CTRLA_PRESCALER(n) ((uint16_t)((n) << 8))  /* 0 DIV1 .. 4 DIV16, 5 DIV64, 6 DIV256, 7 DIV1024 */
#define TC_INT_OVF           (1u << 0)
#define TC_INT_MC0           (1u << 4)
#define TC_STATUS_SYNCBUSY   (1u << 7)

/* TCC0-TCC2 (31.8) */
#define TCC_BASE(n)          (0x42002000u + 0x400u * (n))
#define TCC_CTRLA(n)         REG32(TCC_BASE(n) + 0x00)
#define TCC_CTRLBCLR(n)      REG8(TCC_BASE(n) + 0x04)
#define TCC_CTRLBSET(n)      REG8(TCC_BASE(n) + 0x05)
#define TCC_SYNCBUSY(n)      REG32(TCC_BASE(n) + 0x08)
#define TCC_DRVCTRL(n)       REG32(TCC_BASE(n) + 0x18)
#define TCC_INTENCLR(n)      REG32(TCC_BASE(n) + 0x24)
#define TCC_INTENSET(n)      REG32(TCC_BASE(n) + 0x28)
#define TCC_INTFLAG(n)       REG32(TCC_BASE(n) + 0x2C)
#define TCC_STATUS(n)        REG32(TCC_BASE(n) + 0x30)
#define TCC_COUNT(n)         REG32(TCC_BASE(n) + 0x34)
#define TCC_WAVE(n)          REG32(TCC_BASE(n) + 0x3C)
#define TCC_PER(n)           REG32(TCC_BASE(n) + 0x40)
#define TCC_CC(n, x)         REG32(TCC_BASE(n) + 0x44 + 4 * (x))
#define TCC_CTRLA_SWRST      (1u << 0)
#define TCC_CTRLA_ENABLE     (1u << 1)
#define TCC_CTRLA_PRESCALER(n) ((uint32_t)(n) << 8)
#define TCC_WAVE_NPWM        2u
#define TCC_INT_OVF          (1u << 0)

/* ADC (33.8) */
#define ADC_BASE             0x42004000u
#define ADC_CTRLA            REG8(ADC_BASE + 0x00)
#define ADC_REFCTRL          REG8(ADC_BASE + 0x01)
#define ADC_AVGCTRL          REG8(ADC_BASE + 0x02)
#define ADC_SAMPCTRL         REG8(ADC_BASE + 0x03)
#define ADC_CTRLB            REG16(ADC_BASE + 0x04)
#define ADC_SWTRIG           REG8(ADC_BASE + 0x0C)
#define ADC_INPUTCTRL        REG32(ADC_BASE + 0x10)
#define ADC_INTENCLR         REG8(ADC_BASE + 0x16)
#define ADC_INTFLAG          REG8(ADC_BASE + 0x18)
#define ADC_STATUS           REG8(ADC_BASE + 0x19)
#define ADC_RESULT           REG16(ADC_BASE + 0x1A)
#define ADC_CALIB            REG16(ADC_BASE + 0x28)
#define ADC_CTRLA_SWRST      (1u << 0)
#define ADC_CTRLA_ENABLE     (1u << 1)
#define ADC_REFSEL_INTVCC1   2u                        /* VDDANA / 2 */
#define ADC_CTRLB_RESSEL_12BIT (0u << 4)
#define ADC_CTRLB_PRESCALER(n) ((uint16_t)((n) << 8))  /* DIV4 << n */
#define ADC_INPUTCTRL_MUXPOS(n) ((uint32_t)(n))
#define ADC_INPUTCTRL_MUXNEG_GND (0x18u << 8)
#define ADC_INPUTCTRL_GAIN_DIV2 (0xFu << 24)
#define ADC_SWTRIG_FLUSH     (1u << 0)
#define ADC_SWTRIG_START     (1u << 1)
#define ADC_INT_RESRDY       (1u << 0)
#define ADC_STATUS_SYNCBUSY  (1u << 7)

/* DAC (35.8) */
/* AC, the analog comparators (register summary; component header "AC_U2205"). */
#define AC_BASE              0x42004400u
#define AC_CTRLA             REG8(AC_BASE + 0x00)
#define AC_CTRLB             REG8(AC_BASE + 0x01)
#define AC_EVCTRL            REG16(AC_BASE + 0x02)
#define AC_INTENCLR          REG8(AC_BASE + 0x04)
#define AC_INTENSET          REG8(AC_BASE + 0x05)
#define AC_INTFLAG           REG8(AC_BASE + 0x06)
#define AC_STATUSA           REG8(AC_BASE + 0x08)
#define AC_STATUSB           REG8(AC_BASE + 0x09)
#define AC_STATUSC           REG8(AC_BASE + 0x0A)
#define AC_WINCTRL           REG8(AC_BASE + 0x0C)
#define AC_COMPCTRL(n)       REG32(AC_BASE + 0x10 + 4 * (n))
#define AC_SCALER(n)         REG8(AC_BASE + 0x20 + (n))
#define AC_CTRLA_SWRST       (1u << 0)
#define AC_CTRLA_ENABLE      (1u << 1)
#define AC_CTRLB_START0      (1u << 0)
#define AC_EVCTRL_COMPEO0    (1u << 0)
#define AC_INT_COMP0         (1u << 0)
#define AC_INT_COMP1         (1u << 1)
#define AC_INT_WIN0          (1u << 4)
#define AC_STATUSA_STATE0    (1u << 0)
#define AC_STATUSA_WSTATE0(v) (((v) >> 4) & 3u)   /* 0 above, 1 inside, 2 below */
#define AC_STATUSB_READY0    (1u << 0)
#define AC_STATUSB_READY1    (1u << 1)
#define AC_STATUSB_SYNCBUSY  (1u << 7)
#define AC_WINCTRL_WEN0      (1u << 0)
#define AC_WINCTRL_WINTSEL0(n) ((uint8_t)((n) << 1))   /* 0 above, 1 inside, 2 below, 3 outside */
#define AC_COMPCTRL_ENABLE   (1u << 0)
#define AC_COMPCTRL_SINGLE   (1u << 1)
#define AC_COMPCTRL_SPEED_HIGH (1u << 2)
#define AC_COMPCTRL_INTSEL(n) ((uint32_t)(n) << 5)    /* 0 toggle, 1 rising, 2 falling, 3 EOC */
#define AC_COMPCTRL_MUXNEG(n) ((uint32_t)(n) << 8)    /* 0-3 pins, 4 GND, 5 VSCALE, 6 BANDGAP, 7 DAC */
#define AC_COMPCTRL_MUXPOS(n) ((uint32_t)(n) << 12)   /* 0-3 pins */
#define AC_COMPCTRL_OUT_SYNC (2u << 16)
#define AC_MUXNEG_VSCALE     5u
#define AC_MUXNEG_BANDGAP    6u
#define PM_APBCMASK_AC       (1u << 17)
#define GCLK_ID_AC_DIG       31
#define IRQ_AC               24
#define EVGEN_AC_COMP0       0x44
#define EVSYS_USER           REG16(EVSYS_BASE + 0x08)
#define EVSYS_USER_TC(n)     (0x12u + (n) - 3)
#define TC_EVCTRL_TCEI       (1u << 5)
#define TC_EVCTRL_EVACT_COUNT 2u
#define GCLK_ID_EVSYS(n)     (7 + (n))

#define DAC_BASE             0x42004800u
#define DAC_CTRLA            REG8(DAC_BASE + 0x00)
#define DAC_CTRLB            REG8(DAC_BASE + 0x01)
#define DAC_STATUS           REG8(DAC_BASE + 0x07)
#define DAC_DATA             REG16(DAC_BASE + 0x08)
#define DAC_CTRLA_SWRST      (1u << 0)
#define DAC_CTRLA_ENABLE     (1u << 1)
#define DAC_CTRLB_EOEN       (1u << 0)
#define DAC_CTRLB_REFSEL_AVCC (1u << 6)
#define DAC_STATUS_SYNCBUSY  (1u << 7)

/* PTC: undocumented in the data sheet; the layout Adafruit FreeTouch uses (see ptc.ts) */
#define PTC_BASE             0x42004C00u
#define PTC_CONTROLA         REG8(PTC_BASE + 0x00)
#define PTC_CONTROLB         REG8(PTC_BASE + 0x01)
#define PTC_UNK4C04          REG8(PTC_BASE + 0x04)
#define PTC_CONTROLC         REG8(PTC_BASE + 0x05)
#define PTC_INTDISABLE       REG8(PTC_BASE + 0x08)
#define PTC_INTENABLE        REG8(PTC_BASE + 0x09)
#define PTC_INTFLAGS         REG8(PTC_BASE + 0x0A)
#define PTC_FREQCONTROL      REG8(PTC_BASE + 0x0C)
#define PTC_CONVCONTROL      REG8(PTC_BASE + 0x0D)
#define PTC_YSELECTL         REG8(PTC_BASE + 0x10)
#define PTC_YSELECTH         REG8(PTC_BASE + 0x11)
#define PTC_YENABLEL         REG8(PTC_BASE + 0x14)
#define PTC_YENABLEH         REG8(PTC_BASE + 0x15)
#define PTC_COMPCAPL         REG8(PTC_BASE + 0x18)
#define PTC_COMPCAPH         REG8(PTC_BASE + 0x19)
#define PTC_INTCAP           REG8(PTC_BASE + 0x1A)
#define PTC_SERRES           REG8(PTC_BASE + 0x1B)
#define PTC_RESULT           REG16(PTC_BASE + 0x1C)
#define PTC_BURSTMODE        REG8(PTC_BASE + 0x20)
#define PTC_CONTROLA_SWRESET (1u << 0)
#define PTC_CONTROLA_ENABLE  (1u << 1)
#define PTC_CONTROLB_SYNCFLAG (1u << 7)
#define PTC_CONTROLC_INIT    (1u << 0)
#define PTC_CONVCONTROL_ADCACCUM(n) ((uint8_t)(n))
#define PTC_CONVCONTROL_CONVERT (1u << 7)
#define PTC_INT_EOC          (1u << 0)
#define PTC_INT_WCO          (1u << 1)

/* SysTick (ARMv6-M B3.3) */
#define SYST_CSR             REG32(0xE000E010u)
#define SYST_RVR             REG32(0xE000E014u)
#define SYST_CVR             REG32(0xE000E018u)

#define NVIC_ICER        REG32(0xE000E180u)
#define IRQ_SERCOM(n)    (9 + (n))
#define IRQ_TCC(n)       (15 + (n))
#define IRQ_TC(n)        (18 + (n) - 3)

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

/*
 * periph_flash.c — the CPX's GD25Q16C SPI flash through SERCOM3 and the DMAC, the way
 * CircuitPython's external_flash driver talks to it:
 *   clocks (periph_common.c); SERCOM3 SPI master, mode 0, MSB first: MISO PA16 (PAD0, DIPO 0),
 *   MOSI PA20 (PAD2) and SCK PA21 (PAD3) = DOPO 1, function D; CS PB22 as GPIO.
 *   1. JEDEC ID (0x9F) polled at 250 kHz, then 8 MHz (BAUD = 48 MHz / (2 f) - 1).
 *   2. Fast read (0x0B) of 512 bytes at 0 with DMAC channels 5 (RX, trigger SERCOM3 RX 0x07,
 *      destination = end of buffer with DSTINC) and 4 (TX, trigger SERCOM3 TX 0x08, a fixed 0xFF
 *      source); TCMPL polled. The block is the FAT boot sector the test put there.
 *   3. Sector erase (0x20) at 0x1FF000: WREN, WEL seen, WIP polled until clear, WEL clear again.
 *   4. Page program (0x02) of 256 bytes at 0x1FF100 by a TX-only DMA transfer (source = end of
 *      buffer with SRCINC), then the RX overflow it leaves is drained; WIP polled.
 *   5. DMA read-back of the page, compared.
 */
#include "periph.h"

/* Result words */
enum {
    R_JEDEC = 3,          /* byte0 << 16 | byte1 << 8 | byte2 */
    R_BAUD_SLOW,          /* BAUD read back during the ID read */
    R_BAUD_FAST,
    R_CTRLA,              /* SERCOM3 CTRLA as configured */
    R_RX_CHINTFLAG,       /* CHINTFLAG of the RX / TX channels after the 512-byte read */
    R_TX_CHINTFLAG,
    R_BOOT_SIG,           /* boot sector bytes 510, 511 as 0x55AA */
    R_FSTYPE0,            /* boot sector bytes 0x36..0x3D, BS_FilSysType (informational only:
                             FatFs, so CircuitPython, writes "FAT     " for FAT12 and FAT16) */
    R_FSTYPE1,
    R_BOOT_HASH,          /* h = h * 31 + byte over the 512 bytes, from 0 */
    R_OEM0,               /* bytes 3..6 (OEM name) */
    R_WEL_AFTER_WREN,     /* status register 1 right after WREN (expect WEL = 0x02) */
    R_ERASE_POLLS,        /* 0x05 polls until WIP cleared after the erase */
    R_STATUS_AFTER_ERASE,
    R_ERASED_AND,         /* AND of the 256 bytes at 0x1FF000 read after the erase (0xFF) */
    R_PROGRAM_POLLS,
    R_STATUS_AFTER_PROGRAM,
    R_TXONLY_STATUS,      /* SERCOM3 STATUS after the TX-only DMA (BUFOVF expected) */
    R_TXONLY_INTFLAG,     /* SERCOM3 INTFLAG then (ERROR expected) */
    R_READBACK_MISMATCH,  /* bytes of the page read back that differ */
    R_READBACK_HASH,
    R_PROG_CHINTFLAG,     /* TX channel after the page program */
    R_SPI_RX_FIRST,       /* first byte of the read-back page */
    R_FAT_CLUSTERS,       /* data clusters from the BPB (fatgen103: < 4085 is FAT12) */
    R_FAT_TYPE,           /* 12, 16 or 32 from that count */
};

#define SPI 3
#define CS_GROUP 1
#define CS_PIN 22
#define CH_TX 4
#define CH_RX 5
#define FLASH_SCRATCH 0x1FF000u

static struct dmac_descriptor descriptors[12] __attribute__((aligned(16)));
static struct dmac_descriptor writeback[12] __attribute__((aligned(16)));
static uint8_t buffer[512];
static uint8_t page[256];
static const uint8_t dummy_ff = 0xFF;

static void cs_low(void)  { PORT_OUTCLR(CS_GROUP) = 1u << CS_PIN; }
static void cs_high(void) { PORT_OUTSET(CS_GROUP) = 1u << CS_PIN; }

static uint8_t spi_xfer(uint8_t out)
{
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_DRE, 1);
    SERCOM_DATA(SPI) = out;
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_RXC, 2);
    return (uint8_t)SERCOM_DATA(SPI);
}

static void spi_set_baud(uint8_t baud)
{
    /* BAUD is enable-protected: disable, write, enable (27.8.3). */
    SERCOM_CTRLA(SPI) &= ~SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_ENABLE), 3);
    SERCOM_BAUD8(SPI) = baud;
    SERCOM_CTRLA(SPI) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_ENABLE), 3);
}

static void spi_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_SERCOM(SPI);
    gclk_channel(GCLK_ID_SERCOM_CORE(SPI), 0);
    gclk_channel(GCLK_ID_SERCOMX_SLOW, 2);

    pin_function(0, 16, PMUX_D, 1);   /* MISO, SERCOM3 PAD0 */
    pin_function(0, 20, PMUX_D, 0);   /* MOSI, SERCOM3 PAD2 */
    pin_function(0, 21, PMUX_D, 0);   /* SCK,  SERCOM3 PAD3 */
    PORT_OUTSET(CS_GROUP) = 1u << CS_PIN;
    PORT_DIRSET(CS_GROUP) = 1u << CS_PIN;

    SERCOM_CTRLA(SPI) = SERCOM_CTRLA_SWRST;
    WAIT(!(SERCOM_CTRLA(SPI) & SERCOM_CTRLA_SWRST), 4);
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_SWRST), 4);
    SERCOM_CTRLA(SPI) = SERCOM_CTRLA_MODE(SERCOM_MODE_SPI_MASTER) | SPI_CTRLA_DOPO(1) | SPI_CTRLA_DIPO(0);
    SERCOM_CTRLB(SPI) = SPI_CTRLB_CHSIZE(0) | SPI_CTRLB_RXEN;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_CTRLB), 5);
    SERCOM_BAUD8(SPI) = 95;           /* 48 MHz / (2 * 96) = 250 kHz */
    SERCOM_CTRLA(SPI) |= SERCOM_CTRLA_ENABLE;
    WAIT(!(SERCOM_SYNCBUSY(SPI) & SERCOM_SYNCBUSY_ENABLE), 3);
    PR[R_CTRLA] = SERCOM_CTRLA(SPI);
}

static uint8_t read_status(void)
{
    cs_low();
    spi_xfer(0x05);
    uint8_t s = spi_xfer(0xFF);
    cs_high();
    return s;
}

/* Polls status register 1 until WIP (bit 0) clears; returns the number of polls. */
static uint32_t wait_ready(int bit)
{
    uint32_t polls = 0;
    while (read_status() & 0x01) {
        if (++polls > 1000000u) { FAIL(bit); break; }
    }
    return polls;
}

static void write_enable(void)
{
    cs_low();
    spi_xfer(0x06);
    cs_high();
}

static void send_command(uint8_t cmd, uint32_t addr)
{
    spi_xfer(cmd);
    spi_xfer((uint8_t)(addr >> 16));
    spi_xfer((uint8_t)(addr >> 8));
    spi_xfer((uint8_t)addr);
}

static void dmac_init(void)
{
    PM_AHBMASK |= PM_AHBMASK_DMAC;
    PM_APBBMASK |= PM_APBBMASK_DMAC;
    DMAC_CTRL = 0;
    DMAC_CTRL = DMAC_CTRL_SWRST;
    WAIT(!(DMAC_CTRL & DMAC_CTRL_SWRST), 6);
    DMAC_BASEADDR = (uint32_t)descriptors;
    DMAC_WRBADDR = (uint32_t)writeback;
    DMAC_CTRL = DMAC_CTRL_DMAENABLE | DMAC_CTRL_LVLEN(0);
}

static void dma_channel_setup(uint32_t ch, uint32_t trigger)
{
    DMAC_CHID = (uint8_t)ch;
    DMAC_CHCTRLA = 0;
    DMAC_CHCTRLA = DMAC_CHCTRLA_SWRST;
    WAIT(!(DMAC_CHCTRLA & DMAC_CHCTRLA_SWRST), 7);
    if (DMAC_CHSTATUS != 0) FAIL(8);
    DMAC_CHCTRLB = DMAC_CHCTRLB_LVL(0) | DMAC_CHCTRLB_TRIGSRC(trigger) | DMAC_CHCTRLB_TRIGACT(DMAC_TRIGACT_BEAT);
}

static uint8_t channel_flags(uint32_t ch)
{
    DMAC_CHID = (uint8_t)ch;
    return DMAC_CHINTFLAG;
}

/* Moves `len` bytes over SPI with the DMAC: `tx` (or 0xFF bytes if null) out, `rx` (if not null)
 * in. CS and the command bytes are the caller's. Returns RX flags << 8 | TX flags. */
static uint32_t dma_transfer(const uint8_t *tx, uint8_t *rx, uint32_t len)
{
    struct dmac_descriptor *dtx = &descriptors[CH_TX];
    struct dmac_descriptor *drx = &descriptors[CH_RX];
    dtx->btctrl = (uint16_t)(BTCTRL_VALID | BTCTRL_BEATSIZE(0) | (tx ? BTCTRL_SRCINC : 0));
    dtx->btcnt = (uint16_t)len;
    dtx->srcaddr = tx ? (uint32_t)tx + len : (uint32_t)&dummy_ff;   /* end address with SRCINC */
    dtx->dstaddr = SERCOM_DATA_ADDR(SPI);
    dtx->descaddr = 0;
    dma_channel_setup(CH_TX, DMAC_TRIG_SERCOM_TX(SPI));
    if (rx) {
        drx->btctrl = (uint16_t)(BTCTRL_VALID | BTCTRL_BEATSIZE(0) | BTCTRL_DSTINC);
        drx->btcnt = (uint16_t)len;
        drx->srcaddr = SERCOM_DATA_ADDR(SPI);
        drx->dstaddr = (uint32_t)rx + len;                              /* end address with DSTINC */
        drx->descaddr = 0;
        dma_channel_setup(CH_RX, DMAC_TRIG_SERCOM_RX(SPI));
        DMAC_CHID = CH_RX;
        DMAC_CHCTRLA = DMAC_CHCTRLA_ENABLE;
    }
    DMAC_CHID = CH_TX;
    DMAC_CHCTRLA = DMAC_CHCTRLA_ENABLE;

    uint32_t rxf = 0;
    if (rx) {
        WAIT(channel_flags(CH_RX) & (DMAC_CHINT_TERR | DMAC_CHINT_TCMPL), 9);
        rxf = channel_flags(CH_RX);
    }
    WAIT(channel_flags(CH_TX) & (DMAC_CHINT_TERR | DMAC_CHINT_TCMPL), 10);
    uint32_t txf = channel_flags(CH_TX);
    WAIT(SERCOM_INTFLAG(SPI) & SPI_INT_TXC, 11);
    return rxf << 8 | txf;
}

static uint32_t hash(const uint8_t *p, uint32_t n)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < n; i++) h = h * 31u + p[i];
    return h;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* The FAT type is decided by the count of data clusters (fatgen103 "FAT Type Determination"). */
static void fat_type(const uint8_t *bs)
{
    uint32_t bytes_per_sector = le16(&bs[11]);
    uint32_t sectors_per_cluster = bs[13];
    uint32_t reserved = le16(&bs[14]);
    uint32_t fats = bs[16];
    uint32_t root_entries = le16(&bs[17]);
    uint32_t total = le16(&bs[19]);
    if (total == 0) total = le32(&bs[32]);
    uint32_t fat_size = le16(&bs[22]);
    if (fat_size == 0) fat_size = le32(&bs[36]);
    if (bytes_per_sector == 0 || sectors_per_cluster == 0) { FAIL(21); return; }
    uint32_t root_sectors = (root_entries * 32 + bytes_per_sector - 1) / bytes_per_sector;
    uint32_t data = total - (reserved + fats * fat_size + root_sectors);
    uint32_t clusters = data / sectors_per_cluster;
    PR[R_FAT_CLUSTERS] = clusters;
    PR[R_FAT_TYPE] = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
}

static void fast_read_dma(uint32_t addr, uint8_t *dst, uint32_t len, int rx_idx, int tx_idx)
{
    wait_ready(12);
    cs_low();
    send_command(0x0B, addr);
    spi_xfer(0xFF);                     /* dummy byte */
    uint32_t f = dma_transfer(0, dst, len);
    cs_high();
    if (rx_idx) PR[rx_idx] = f >> 8;
    if (tx_idx) PR[tx_idx] = f & 0xFF;
    if (f != 0x0202) FAIL(13);
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    STEP(2); spi_init();

    STEP(3);
    PR[R_BAUD_SLOW] = SERCOM_BAUD8(SPI);
    cs_low();
    spi_xfer(0x9F);
    uint32_t id = (uint32_t)spi_xfer(0xFF) << 16;
    id |= (uint32_t)spi_xfer(0xFF) << 8;
    id |= spi_xfer(0xFF);
    cs_high();
    PR[R_JEDEC] = id;
    if (id != 0xC84015u) FAIL(14);
    spi_set_baud(2);                    /* 48 MHz / (2 * 3) = 8 MHz */
    PR[R_BAUD_FAST] = SERCOM_BAUD8(SPI);

    STEP(4); dmac_init();
    fast_read_dma(0, buffer, 512, R_RX_CHINTFLAG, R_TX_CHINTFLAG);
    PR[R_BOOT_SIG] = (uint32_t)buffer[510] << 8 | buffer[511];
    PR[R_FSTYPE0] = le32(&buffer[0x36]);
    PR[R_FSTYPE1] = le32(&buffer[0x3A]);
    PR[R_OEM0] = le32(&buffer[3]);
    PR[R_BOOT_HASH] = hash(buffer, 512);
    fat_type(buffer);
    if (PR[R_BOOT_SIG] != 0x55AAu) FAIL(15);

    STEP(5);                            /* sector erase at 0x1FF000 */
    wait_ready(12);
    write_enable();
    PR[R_WEL_AFTER_WREN] = read_status();
    cs_low();
    send_command(0x20, FLASH_SCRATCH);
    cs_high();
    PR[R_ERASE_POLLS] = wait_ready(16);
    PR[R_STATUS_AFTER_ERASE] = read_status();
    fast_read_dma(FLASH_SCRATCH, buffer, 256, 0, 0);
    uint8_t and_all = 0xFF;
    for (int i = 0; i < 256; i++) and_all &= buffer[i];
    PR[R_ERASED_AND] = and_all;
    if (and_all != 0xFF) FAIL(17);

    STEP(6);                            /* page program at 0x1FF100, TX-only DMA */
    for (int i = 0; i < 256; i++) page[i] = (uint8_t)(i * 7 + 0x3C);
    write_enable();
    cs_low();
    send_command(0x02, FLASH_SCRATCH + 0x100);
    uint32_t f = dma_transfer(page, 0, 256);
    cs_high();
    PR[R_PROG_CHINTFLAG] = f & 0xFF;
    if ((f & 0xFF) != 0x02) FAIL(18);
    /* Nobody read DATA: the RX buffer overflowed (27.6.2.6). Drain it and clear the error. */
    PR[R_TXONLY_STATUS] = SERCOM_STATUS(SPI);
    PR[R_TXONLY_INTFLAG] = SERCOM_INTFLAG(SPI);
    while (SERCOM_INTFLAG(SPI) & SPI_INT_RXC) (void)SERCOM_DATA(SPI);
    SERCOM_STATUS(SPI) = SPI_STATUS_BUFOVF;
    SERCOM_INTFLAG(SPI) = SPI_INT_ERROR;
    PR[R_PROGRAM_POLLS] = wait_ready(19);
    PR[R_STATUS_AFTER_PROGRAM] = read_status();

    STEP(7);                            /* read back */
    fast_read_dma(FLASH_SCRATCH + 0x100, buffer, 256, 0, 0);
    uint32_t bad = 0;
    for (int i = 0; i < 256; i++) bad += buffer[i] != page[i];
    PR[R_READBACK_MISMATCH] = bad;
    PR[R_READBACK_HASH] = hash(buffer, 256);
    PR[R_SPI_RX_FIRST] = buffer[0];
    if (bad) FAIL(20);

    STEP(8);
    periph_done();
    return 0;
}

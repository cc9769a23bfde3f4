/*
 * startup.c — vector table and reset handler for the SAMD21 test programs (no bootloader, no
 * semihosting: the chip has no debugger attached; programs report through the RAM result block).
 */
#include <stdint.h>
#include "samd21.h"

extern uint32_t __stack, __data_start__, __data_end__, __data_load__, __bss_start__, __bss_end__;
int main(void);

void Default_Handler(void)
{
    RESULT->errors |= 0x80000000u;   /* an unexpected exception */
    for (;;) { }
}

void Reset_Handler(void)
{
    uint32_t *src = &__data_load__;
    for (uint32_t *dst = &__data_start__; dst < &__data_end__; ) *dst++ = *src++;
    for (uint32_t *dst = &__bss_start__; dst < &__bss_end__; ) *dst++ = 0;
    main();
    for (;;) { __asm volatile ("wfi"); }
}

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void PM_Handler(void) WEAK_DEFAULT;
void SYSCTRL_Handler(void) WEAK_DEFAULT;
void WDT_Handler(void) WEAK_DEFAULT;
void RTC_Handler(void) WEAK_DEFAULT;
void EIC_Handler(void) WEAK_DEFAULT;
void NVMCTRL_Handler(void) WEAK_DEFAULT;
void DMAC_Handler(void) WEAK_DEFAULT;
void USB_Handler(void) WEAK_DEFAULT;
void EVSYS_Handler(void) WEAK_DEFAULT;
void SERCOM0_Handler(void) WEAK_DEFAULT;
void SERCOM1_Handler(void) WEAK_DEFAULT;
void SERCOM2_Handler(void) WEAK_DEFAULT;
void SERCOM3_Handler(void) WEAK_DEFAULT;
void SERCOM4_Handler(void) WEAK_DEFAULT;
void SERCOM5_Handler(void) WEAK_DEFAULT;
void TCC0_Handler(void) WEAK_DEFAULT;
void TCC1_Handler(void) WEAK_DEFAULT;
void TCC2_Handler(void) WEAK_DEFAULT;
void TC3_Handler(void) WEAK_DEFAULT;
void TC4_Handler(void) WEAK_DEFAULT;
void TC5_Handler(void) WEAK_DEFAULT;
void ADC_Handler(void) WEAK_DEFAULT;
void AC_Handler(void) WEAK_DEFAULT;
void DAC_Handler(void) WEAK_DEFAULT;
void PTC_Handler(void) WEAK_DEFAULT;

__attribute__((section(".vectors"), used))
void (*const vectors[16 + 28])(void) = {
    (void (*)(void))&__stack, Reset_Handler, NMI_Handler, HardFault_Handler,
    0, 0, 0, 0, 0, 0, 0, SVC_Handler, 0, 0, PendSV_Handler, SysTick_Handler,
    PM_Handler, SYSCTRL_Handler, WDT_Handler, RTC_Handler, EIC_Handler, NVMCTRL_Handler,
    DMAC_Handler, USB_Handler, EVSYS_Handler,
    SERCOM0_Handler, SERCOM1_Handler, SERCOM2_Handler, SERCOM3_Handler, SERCOM4_Handler,
    SERCOM5_Handler, TCC0_Handler, TCC1_Handler, TCC2_Handler, TC3_Handler, TC4_Handler,
    TC5_Handler, Default_Handler /* TC6 */, Default_Handler /* TC7 */, ADC_Handler,
    AC_Handler, DAC_Handler, PTC_Handler, Default_Handler /* I2S */,
};

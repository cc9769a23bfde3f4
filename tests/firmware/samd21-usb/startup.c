/*
 * startup.c — reset handler and vector table of the USB test programs (stack at the top of SRAM,
 * see samd21-usb.ld). Each program defines usb_handler and main; systick_handler is optional.
 */
#include <stdint.h>

extern uint32_t __stack_top, __data_start, __data_end, __data_load, __bss_start, __bss_end;
int main(void);
void usb_handler(void);

void default_handler(void)
{
    for (;;) { }
}

void systick_handler(void) __attribute__((weak, alias("default_handler")));

void reset_handler(void)
{
    uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    main();
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

/*
 * clock.c — what a program sees of the wall clock through semihosting: time() (SYS_TIME,
 * seconds since 1970) as a UTC date with gmtime/strftime, before and after a busy second of
 * simulated time measured with clock() (SYS_CLOCK, centiseconds). circuitemu's --epoch sets
 * the date at power-on; runs in virtual time give the same output every time.
 */
#include <stdio.h>
#include <time.h>

static void show(const char *when)
{
    time_t now = time(NULL);
    char text[32];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", gmtime(&now));
    printf("%s: %lld = %s UTC\n", when, (long long)now, text);
}

int main(void)
{
    show("start");
    clock_t until = clock() + 2 * CLOCKS_PER_SEC;
    while (clock() < until) {
    }
    show("2 s later");
    return 0;
}

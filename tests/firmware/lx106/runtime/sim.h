/*
 * Minimal runtime for the lx106 test programs: QEMU-compatible simcall semihosting, a small
 * printf, and access to the exception frame saved by crt0.S. Built with -DHOST it maps onto
 * the host C library instead, so pure-C programs can be checked against a host build.
 */
#ifndef SIM_H
#define SIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef HOST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#else
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int putchar(int c);
int puts(const char *s);
void exit(int status) __attribute__((noreturn));
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* simcall: number in a2, arguments in a3..a5; result in a2, errno in a3. */
static inline int simcall(int nr, int p1, int p2, int p3)
{
  register int a2 __asm__("a2") = nr;
  register int a3 __asm__("a3") = p1;
  register int a4 __asm__("a4") = p2;
  register int a5 __asm__("a5") = p3;
  __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
  return a2;
}

#define SYS_EXIT 1
#define SYS_READ 3
#define SYS_WRITE 4

/* Frame saved by the exception entry in crt0.S. */
struct xt_frame {
  uint32_t a[16];
  uint32_t pc;       /* EPC1: the handler may change it */
  uint32_t ps;
  uint32_t sar;
  uint32_t exccause;
  uint32_t excvaddr;
  uint32_t vector;   /* 0 kernel vector, 1 user vector */
  uint32_t pad[2];
};

void __exception(struct xt_frame *frame);

#define RSR(reg) ({ uint32_t v_; __asm__ volatile("rsr %0, " #reg : "=r"(v_)); v_; })
#define WSR(reg, v) __asm__ volatile("wsr %0, " #reg "; rsync" : : "r"((uint32_t)(v)) : "memory")
#endif

#endif

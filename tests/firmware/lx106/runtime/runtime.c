/* printf, console and string functions for the lx106 test programs (no C library). */
#include "sim.h"

static char outbuf[256];
static int outlen;

static void flush(void)
{
  if (outlen > 0) simcall(SYS_WRITE, 1, (int)outbuf, outlen);
  outlen = 0;
}

int putchar(int c)
{
  outbuf[outlen++] = (char)c;
  if (c == '\n' || outlen == (int)sizeof(outbuf)) flush();
  return c & 0xff;
}

int puts(const char *s)
{
  while (*s) putchar(*s++);
  putchar('\n');
  return 1;
}

void exit(int status)
{
  flush();
  for (;;) simcall(SYS_EXIT, status, 0, 0);
}

void *memcpy(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void *memset(void *dst, int c, size_t n)
{
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}

size_t strlen(const char *s)
{
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b)
{
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

/* ---- formatted output: %[-0 +#][width][.prec][hh|h|l|ll|z]{d,i,u,x,X,o,c,s,p,%} ---- */

struct sink {
  char *buf;
  size_t size;
  size_t len;
};

static void emit(struct sink *s, char c)
{
  if (s->buf) {
    if (s->len + 1 < s->size) s->buf[s->len] = c;
  } else {
    putchar(c);
  }
  s->len++;
}

static void pad(struct sink *s, char c, int n)
{
  while (n-- > 0) emit(s, c);
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      emit(s, *fmt);
      continue;
    }
    fmt++;
    int left = 0, zero = 0, plus = 0, space = 0, alt = 0;
    for (;; fmt++) {
      if (*fmt == '-') left = 1;
      else if (*fmt == '0') zero = 1;
      else if (*fmt == '+') plus = 1;
      else if (*fmt == ' ') space = 1;
      else if (*fmt == '#') alt = 1;
      else break;
    }
    int width = 0;
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) left = 1, width = -width;
      fmt++;
    } else {
      while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    }
    int prec = -1;
    if (*fmt == '.') {
      fmt++;
      prec = 0;
      if (*fmt == '*') {
        prec = va_arg(ap, int);
        fmt++;
      } else {
        while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
      }
    }
    int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
    for (;; fmt++) {
      if (*fmt == 'l') lng++;
      else if (*fmt == 'h') lng--;
      else if (*fmt == 'z') lng = 1;
      else break;
    }
    char c = *fmt;
    if (c == 0) break;
    if (c == '%') {
      emit(s, '%');
      continue;
    }
    if (c == 'c') {
      if (!left) pad(s, ' ', width - 1);
      emit(s, (char)va_arg(ap, int));
      if (left) pad(s, ' ', width - 1);
      continue;
    }
    if (c == 's') {
      const char *str = va_arg(ap, const char *);
      if (!str) str = "(null)";
      int n = (int)strlen(str);
      if (prec >= 0 && n > prec) n = prec;
      if (!left) pad(s, ' ', width - n);
      for (int i = 0; i < n; i++) emit(s, str[i]);
      if (left) pad(s, ' ', width - n);
      continue;
    }
    unsigned long long v;
    int neg = 0;
    unsigned base = 10;
    int upper = 0;
    if (c == 'd' || c == 'i') {
      long long x = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
      if (lng == -1) x = (short)x;
      if (lng <= -2) x = (signed char)x;
      if (x < 0) neg = 1, v = 0ULL - (unsigned long long)x;
      else v = (unsigned long long)x;
    } else if (c == 'u' || c == 'x' || c == 'X' || c == 'o' || c == 'p') {
      if (c == 'p') {
        v = (uintptr_t)va_arg(ap, void *);
        alt = 1;
        c = 'x';
      } else {
        v = lng >= 2 ? va_arg(ap, unsigned long long) : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
        if (lng == -1) v = (unsigned short)v;
        if (lng <= -2) v = (unsigned char)v;
      }
      if (c == 'x' || c == 'X') base = 16;
      if (c == 'o') base = 8;
      upper = c == 'X';
    } else {
      emit(s, '%');
      emit(s, c);
      continue;
    }
    char digits[24];
    int n = 0;
    while (v) {
      unsigned d = (unsigned)(v % base);
      digits[n++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
      v /= base;
    }
    int ndig = n;
    int minDigits = prec >= 0 ? prec : 1;
    if (ndig < minDigits) ndig = minDigits;
    const char *prefix = "";
    if (neg) prefix = "-";
    else if (plus && (c == 'd' || c == 'i')) prefix = "+";
    else if (space && (c == 'd' || c == 'i')) prefix = " ";
    if (alt && base == 16 && n > 0) prefix = upper ? "0X" : "0x";
    if (alt && base == 8 && ndig <= n) ndig = n + 1;
    int plen = (int)strlen(prefix);
    int total = plen + ndig;
    if (zero && !left && prec < 0) {
      for (const char *p = prefix; *p; p++) emit(s, *p);
      pad(s, '0', width - total);
    } else {
      if (!left) pad(s, ' ', width - total);
      for (const char *p = prefix; *p; p++) emit(s, *p);
    }
    pad(s, '0', ndig - n);
    while (n > 0) emit(s, digits[--n]);
    if (left) pad(s, ' ', width - total);
  }
  return (int)s->len;
}

int vprintf(const char *fmt, va_list ap)
{
  struct sink s = {0, 0, 0};
  return format(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
  struct sink s = {buf, size, 0};
  int n = format(&s, fmt, ap);
  if (size > 0) buf[s.len < size ? s.len : size - 1] = 0;
  return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

/* Default exception handler: report and exit with 100 + EXCCAUSE. */
__attribute__((weak)) void __exception(struct xt_frame *frame)
{
  printf("unhandled exception: EXCCAUSE %u at pc 0x%08x (EXCVADDR 0x%08x)\n", (unsigned)frame->exccause,
         (unsigned)frame->pc, (unsigned)frame->excvaddr);
  exit(100 + (int)frame->exccause);
}

/* Sorting: quicksort, merge sort and insertion sort on pseudo-random data. */
#include "sim.h"

#define N 600
static int32_t a[N], b[N], tmp[N];
static uint32_t seed = 12345;

static uint32_t rnd(void)
{
  seed = seed * 1103515245u + 12345u;
  return seed >> 8;
}

static void quicksort(int32_t *v, int lo, int hi)
{
  while (lo < hi) {
    int32_t p = v[(lo + hi) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (v[i] < p) i++;
      while (v[j] > p) j--;
      if (i <= j) {
        int32_t t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
}

static void mergesort(int32_t *v, int n)
{
  for (int w = 1; w < n; w *= 2) {
    for (int lo = 0; lo < n; lo += 2 * w) {
      int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    memcpy(v, tmp, n * sizeof *v);
  }
}

static void insertion(int8_t *v, int n)
{
  for (int i = 1; i < n; i++) {
    int8_t x = v[i];
    int j = i - 1;
    while (j >= 0 && v[j] > x) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
}

int main(void)
{
  for (int i = 0; i < N; i++) a[i] = b[i] = (int32_t)(rnd() % 20001) - 10000;
  quicksort(a, 0, N - 1);
  mergesort(b, N);
  uint32_t sum = 0;
  int ok = 1;
  for (int i = 0; i < N; i++) {
    if (i > 0 && a[i - 1] > a[i]) ok = 0;
    if (a[i] != b[i]) ok = 0;
    sum = sum * 7 + (uint32_t)a[i];
  }
  printf("sorted %s checksum %08x\n", ok ? "ok" : "BAD", sum);
  printf("min %d max %d median %d\n", a[0], a[N - 1], a[N / 2]);
  for (int i = 0; i < 10; i++) printf("%d%c", a[i * 60], i == 9 ? '\n' : ' ');
  int8_t c[50];
  for (int i = 0; i < 50; i++) c[i] = (int8_t)rnd();
  insertion(c, 50);
  for (int i = 0; i < 50; i += 5) printf("%d ", c[i]);
  printf("\n");
  uint16_t h[40];
  for (int i = 0; i < 40; i++) h[i] = (uint16_t)rnd();
  for (int i = 0; i < 40; i++)
    for (int j = i + 1; j < 40; j++)
      if (h[j] < h[i]) {
        uint16_t t = h[i];
        h[i] = h[j];
        h[j] = t;
      }
  printf("u16 %u %u %u\n", h[0], h[20], h[39]);
  return 0;
}

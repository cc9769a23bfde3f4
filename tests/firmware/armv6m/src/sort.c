/*
 * sort — newlib qsort/bsearch with several comparators, and hand-written
 * insertion sort, shell sort, heap sort, merge sort and quicksort over the
 * same pseudo-random data; all results must agree.
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

#define N 300

static uint32_t rng = 12345;
static int32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (int32_t)(rng >> 1) % 20001 - 10000;
}

static int cmp_int(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct rec { char name[8]; int32_t score; int32_t id; };

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;    /* score descending */
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->id > y->id) - (x->id < y->id);   /* total order: no ties */
}

static void insertion_sort(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void shell_sort(int32_t *a, int n)
{
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++) {
            int32_t v = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
}

static void sift_down(int32_t *a, int start, int end)
{
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1, sw = root;
        if (a[sw] < a[child])
            sw = child;
        if (child + 1 <= end && a[sw] < a[child + 1])
            sw = child + 1;
        if (sw == root)
            return;
        int32_t t = a[root]; a[root] = a[sw]; a[sw] = t;
        root = sw;
    }
}

static void heap_sort(int32_t *a, int n)
{
    for (int s = (n - 2) / 2; s >= 0; s--)
        sift_down(a, s, n - 1);
    for (int end = n - 1; end > 0; end--) {
        int32_t t = a[end]; a[end] = a[0]; a[0] = t;
        sift_down(a, 0, end - 1);
    }
}

static int32_t tmpbuf[N];
static void merge_sort(int32_t *a, int lo, int hi)   /* [lo, hi) */
{
    if (hi - lo < 2)
        return;
    int mid = lo + (hi - lo) / 2;
    merge_sort(a, lo, mid);
    merge_sort(a, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmpbuf[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < mid) tmpbuf[k++] = a[i++];
    while (j < hi) tmpbuf[k++] = a[j++];
    memcpy(a + lo, tmpbuf + lo, (size_t)(hi - lo) * sizeof *a);
}

static void quick_sort(int32_t *a, int lo, int hi)   /* [lo, hi] */
{
    while (lo < hi) {
        int32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int32_t t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        if (j - lo < hi - i) { quick_sort(a, lo, j); lo = i; }
        else { quick_sort(a, i, hi); hi = j; }
    }
}

static uint32_t checksum(const int32_t *a, int n)
{
    uint32_t h = 0;
    for (int i = 0; i < n; i++)
        h = h * 31u + (uint32_t)a[i];
    return h;
}

static int32_t orig[N], ref[N], work[N];

int main(void)
{
    for (int i = 0; i < N; i++)
        orig[i] = next_rand();
    printf("sort: %d values, input checksum %08" PRIx32 "\n", N, checksum(orig, N));

    memcpy(ref, orig, sizeof ref);
    qsort(ref, N, sizeof ref[0], cmp_int);
    printf("qsort: min %" PRId32 " max %" PRId32 " median %" PRId32 " checksum %08" PRIx32 "\n",
           ref[0], ref[N - 1], ref[N / 2], checksum(ref, N));
    printf("first:");
    for (int i = 0; i < 10; i++) printf(" %" PRId32, ref[i]);
    printf("\nlast:");
    for (int i = N - 10; i < N; i++) printf(" %" PRId32, ref[i]);
    printf("\n");

    static const struct { const char *name; int kind; } algos[] = {
        {"insertion", 0}, {"shell", 1}, {"heap", 2}, {"merge", 3}, {"quick", 4},
    };
    int fails = 0;
    for (unsigned k = 0; k < sizeof algos / sizeof algos[0]; k++) {
        memcpy(work, orig, sizeof work);
        switch (algos[k].kind) {
        case 0: insertion_sort(work, N); break;
        case 1: shell_sort(work, N); break;
        case 2: heap_sort(work, N); break;
        case 3: merge_sort(work, 0, N); break;
        case 4: quick_sort(work, 0, N - 1); break;
        }
        int same = memcmp(work, ref, sizeof ref) == 0;
        fails += !same;
        printf("%-9s sort: %s (checksum %08" PRIx32 ")\n", algos[k].name,
               same ? "matches qsort" : "MISMATCH", checksum(work, N));
    }

    /* descending, already sorted, all equal, reverse sorted */
    memcpy(work, orig, sizeof work);
    qsort(work, N, sizeof work[0], cmp_int_desc);
    printf("descending: first %" PRId32 " last %" PRId32 "\n", work[0], work[N - 1]);
    qsort(work, N, sizeof work[0], cmp_int);
    printf("re-sorted equals ref: %d\n", memcmp(work, ref, sizeof ref) == 0);
    for (int i = 0; i < N; i++) work[i] = 7;
    qsort(work, N, sizeof work[0], cmp_int);
    printf("all-equal still all 7: %d\n", work[0] == 7 && work[N - 1] == 7);

    /* bsearch */
    int found = 0, missing = 0;
    for (int32_t key = -10000; key <= 10000; key += 37) {
        if (bsearch(&key, ref, N, sizeof ref[0], cmp_int))
            found++;
        else
            missing++;
    }
    printf("bsearch: %d found, %d missing\n", found, missing);

    /* strings */
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date",
                           "elderberry", "grape", "kiwi", "Lemon", "lime",
                           "mango", "apple pie", "", "Zebra", "zebra"};
    unsigned nw = sizeof words / sizeof words[0];
    qsort(words, nw, sizeof words[0], cmp_str);
    printf("words:");
    for (unsigned i = 0; i < nw; i++) printf(" '%s'", words[i]);
    printf("\n");

    /* structs */
    struct rec recs[12];
    for (int i = 0; i < 12; i++) {
        static const char *names[] = {"ann", "bob", "cy", "dee"};
        strcpy(recs[i].name, names[i % 4]);
        recs[i].score = (i * 7) % 5;
        recs[i].id = 100 - i;
    }
    qsort(recs, 12, sizeof recs[0], cmp_rec);
    for (int i = 0; i < 12; i++)
        printf("%s:%" PRId32 ":%" PRId32 "%s", recs[i].name, recs[i].score, recs[i].id,
               i == 11 ? "\n" : " ");
    return fails;
}

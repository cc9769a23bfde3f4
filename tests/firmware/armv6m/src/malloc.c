/*
 * malloc — newlib malloc/calloc/realloc/free: many sizes, content
 * preservation across realloc, zeroing by calloc, alignment, reuse after
 * free, fragmentation, a linked list, and requests that must fail.
 * Nothing printed depends on where the heap is or how big it is.
 * Portable C: the host build (glibc) must print exactly the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <errno.h>

struct node { struct node *next; uint32_t value; char tag[6]; };

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7))
            return 0;
    return 1;
}

int main(void)
{
    printf("malloc\n");

    /* many sizes, all alive at once */
    static const size_t sizes[] = {1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 64, 100, 255,
                                   256, 257, 500, 1000, 1500};
    enum { NSZ = sizeof sizes / sizeof sizes[0] };
    unsigned char *blocks[NSZ];
    int misaligned = 0, overlaps = 0;
    for (unsigned i = 0; i < NSZ; i++) {
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i]) {
            printf("malloc(%u) failed\n", (unsigned)sizes[i]);
            return 1;
        }
        if ((uintptr_t)blocks[i] % 8)
            misaligned++;
        fill(blocks[i], sizes[i], i);
    }
    for (unsigned i = 0; i < NSZ; i++)
        for (unsigned j = 0; j < NSZ; j++)
            if (i != j && blocks[i] < blocks[j] + sizes[j] &&
                blocks[j] < blocks[i] + sizes[i])
                overlaps++;
    int intact = 0;
    for (unsigned i = 0; i < NSZ; i++)
        intact += check(blocks[i], sizes[i], i);
    printf("%u blocks: %d intact, %d misaligned (8-byte), %d overlapping\n",
           (unsigned)NSZ, intact, misaligned, overlaps);
    for (unsigned i = 0; i < NSZ; i += 2)
        free(blocks[i]);
    for (unsigned i = 0; i < NSZ; i += 2) {
        blocks[i] = malloc(sizes[i]);
        fill(blocks[i], sizes[i], i + 100);
    }
    intact = 0;
    for (unsigned i = 0; i < NSZ; i++)
        intact += check(blocks[i], sizes[i], i % 2 ? i : i + 100);
    printf("after free/realloc of every other block: %d intact\n", intact);
    for (unsigned i = 0; i < NSZ; i++)
        free(blocks[i]);

    /* calloc zeroes, even reused memory */
    unsigned char *d = malloc(600);
    memset(d, 0xAA, 600);
    free(d);
    unsigned char *z = calloc(150, 4);
    int zero = 1;
    for (int i = 0; i < 600; i++)
        zero &= z[i] == 0;
    printf("calloc(150, 4) all zero: %d\n", zero);
    free(z);

    /* realloc grows and shrinks, keeping contents */
    unsigned char *p = malloc(10);
    fill(p, 10, 5);
    int ok = 1;
    size_t cur = 10;
    static const size_t steps[] = {20, 100, 50, 1000, 3, 700, 2000, 1};
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t keep = cur < steps[i] ? cur : steps[i];
        p = realloc(p, steps[i]);
        if (!p || !check(p, keep, 5)) { ok = 0; break; }
        fill(p, steps[i], 5);
        cur = steps[i];
    }
    printf("realloc chain preserved contents: %d\n", ok);
    free(p);
    p = realloc(NULL, 32);
    printf("realloc(NULL, 32) gives a block: %d\n", p != NULL);
    free(p);

    /* linked list */
    struct node *head = NULL;
    for (uint32_t i = 0; i < 200; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = i * i;
        snprintf(n->tag, sizeof n->tag, "n%lu", (unsigned long)(i % 1000));
        n->next = head;
        head = n;
    }
    uint32_t sum = 0;
    unsigned len = 0, tags = 0;
    for (struct node *n = head; n; n = n->next) {
        sum += n->value;
        len++;
        tags += n->tag[0] == 'n';
    }
    printf("list: %u nodes, sum of squares %lu, tags ok %u\n", len,
           (unsigned long)sum, tags);
    while (head) {
        struct node *n = head->next;
        free(head);
        head = n;
    }

    /* fragmentation: interleave small and big blocks, free the small ones,
     * then a big request must still succeed */
    void *small[20], *bigb[20];
    for (int i = 0; i < 20; i++) {
        small[i] = malloc(24);
        bigb[i] = malloc(160);
    }
    for (int i = 0; i < 20; i++)
        free(small[i]);
    void *large = malloc(2000);
    printf("large block after fragmentation: %d\n", large != NULL);
    free(large);
    for (int i = 0; i < 20; i++)
        free(bigb[i]);

    /* requests that cannot be satisfied */
    volatile size_t half = SIZE_MAX / 2, four = 4;
    errno = 0;
    void *huge = malloc(half);
    printf("malloc(SIZE_MAX/2) = %s, errno ENOMEM: %d\n", huge ? "ptr" : "NULL",
           errno == ENOMEM);
    free(huge);
    errno = 0;
    void *ov = calloc(half, four);
    printf("calloc overflow = %s\n", ov ? "ptr" : "NULL");
    free(ov);

    /* the heap still works afterwards */
    char *s = malloc(64);
    strcpy(s, "heap still usable");
    printf("%s\n", s);
    free(s);
    return 0;
}

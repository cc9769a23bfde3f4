/*
 * stdin — reads standard input through newlib's stdio, i.e. semihosting
 * SYS_READ on the ":tt" handle opened for reading.  The harness passes the
 * bytes of stdin.stdin.  First line: a count K, then K integers (scanf);
 * then free text lines (fgets) which are echoed reversed with word and
 * letter statistics; finally EOF must be seen.
 * Exits with the number of text lines read (5 for the committed input).
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <string.h>
#include <ctype.h>

int main(void)
{
    int k = 0;
    if (scanf("%d", &k) != 1) {
        printf("no count\n");
        return 100;
    }
    long sum = 0, min = 0, max = 0;
    for (int i = 0; i < k; i++) {
        long v;
        if (scanf("%ld", &v) != 1) {
            printf("short input at %d\n", i);
            return 101;
        }
        sum += v;
        if (i == 0 || v < min) min = v;
        if (i == 0 || v > max) max = v;
    }
    printf("%d numbers: sum %ld min %ld max %ld\n", k, sum, min, max);

    int c;
    while ((c = getchar()) != '\n' && c != EOF)   /* rest of the number line */
        ;

    char line[128];
    int lines = 0, words = 0, letters[26] = {0};
    long bytes = 0;
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        bytes += (long)n;
        int nl = n > 0 && line[n - 1] == '\n';
        if (nl)
            line[--n] = 0;
        lines++;
        int inword = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)line[i];
            if (isalpha(ch))
                letters[tolower(ch) - 'a']++;
            if (isspace(ch))
                inword = 0;
            else if (!inword) {
                inword = 1;
                words++;
            }
        }
        char rev[128];
        for (size_t i = 0; i < n; i++)
            rev[i] = line[n - 1 - i];
        rev[n] = 0;
        printf("line %d (%u chars%s): %s\n", lines, (unsigned)n,
               nl ? "" : ", no newline", rev);
    }
    printf("%d lines, %d words, %ld bytes after the numbers, eof %d\n", lines,
           words, bytes, feof(stdin) != 0);
    printf("letters:");
    for (int i = 0; i < 26; i++)
        if (letters[i])
            printf(" %c=%d", 'a' + i, letters[i]);
    printf("\n");
    return lines;
}

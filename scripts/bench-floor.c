// The floor for a long file in scripts/bench.sh: libpg_query's own work on it, nothing else.
// Splits the file with libpg_query's scanner, then parses each statement to JSON (as
// MigrationLint does, one statement at a time), on one thread; prints the statement count and
// the smallest CPU time of `rounds` runs in milliseconds.
// Build: cc -O2 scripts/bench-floor.c -lpg_query -o bench-floor
// Usage: bench-floor FILE [rounds=5]
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE [rounds]\n", argv[0]); return 2; }
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 2; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *text = malloc(size + 1);
    if (fread(text, 1, size, file) != (size_t)size) { perror(argv[1]); return 2; }
    text[size] = 0;
    fclose(file);
    char *statement = malloc(size + 1);

    double best = -1;
    int count = 0;
    for (int round = 0; round < rounds; round++) {
        double start = cpu_ms();
        PgQuerySplitResult split = pg_query_split_with_scanner(text);
        if (split.error) { fprintf(stderr, "%s: %s\n", argv[1], split.error->message); return 2; }
        count = split.n_stmts;
        for (int i = 0; i < split.n_stmts; i++) {
            PgQuerySplitStmt *s = split.stmts[i];
            memcpy(statement, text + s->stmt_location, s->stmt_len);
            statement[s->stmt_len] = 0;
            pg_query_free_parse_result(pg_query_parse(statement));
        }
        pg_query_free_split_result(split);
        double elapsed = cpu_ms() - start;
        if (best < 0 || elapsed < best) best = elapsed;
    }
    printf("%d %.1f\n", count, best);
    return 0;
}

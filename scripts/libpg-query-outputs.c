// What libpg_query's ways out cost on one file (docs/benchmarks.md, "libpg_query's three
// outputs"): splits the file with the scanner, then parses each statement alone, as the linter
// does, in the mode given. Count instructions with callgrind:
//
//   gcc -O2 scripts/libpg-query-outputs.c -o /tmp/outputs -l:libpg_query.a -lprotobuf-c
//   for mode in split raw json protobuf unpack; do
//     valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$mode /tmp/outputs $mode FILE.sql
//   done
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// From pg_query_internal.h, which includes PostgreSQL's own headers (not shipped by Debian).
typedef struct { void *tree; char *stderr_buffer; PgQueryError *error; } RawParse;
RawParse pg_query_raw_parse(const char *input);
void *pg_query_enter_memory_context(void);
void pg_query_exit_memory_context(void *context);
void pg_query_free_error(PgQueryError *error);

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s split|raw|json|protobuf|unpack FILE\n", argv[0]); return 2; }
  const char *mode = argv[1];
  FILE *file = fopen(argv[2], "rb");
  if (!file) { perror(argv[2]); return 2; }
  fseek(file, 0, SEEK_END); long size = ftell(file); rewind(file);
  char *source = malloc(size + 1);
  if (fread(source, 1, size, file) != (size_t)size) { perror(argv[2]); return 2; }
  source[size] = 0; fclose(file);

  PgQuerySplitResult split = pg_query_split_with_scanner(source);
  long output = 0;
  for (int i = 0; i < split.n_stmts; i++) {
    int length = split.stmts[i]->stmt_len;
    char *statement = malloc(length + 1);
    memcpy(statement, source + split.stmts[i]->stmt_location, length); statement[length] = 0;
    if (!strcmp(mode, "raw")) {
      void *context = pg_query_enter_memory_context();
      RawParse result = pg_query_raw_parse(statement);
      if (result.error) pg_query_free_error(result.error);
      free(result.stderr_buffer);
      pg_query_exit_memory_context(context);
    } else if (!strcmp(mode, "json")) {
      PgQueryParseResult result = pg_query_parse(statement);
      if (result.parse_tree) output += strlen(result.parse_tree);
      pg_query_free_parse_result(result);
    } else if (!strcmp(mode, "protobuf") || !strcmp(mode, "unpack")) {
      PgQueryProtobufParseResult result = pg_query_parse_protobuf(statement);
      output += result.parse_tree.len;
      if (!strcmp(mode, "unpack") && result.parse_tree.data) {
        PgQuery__ParseResult *message = pg_query__parse_result__unpack(NULL, result.parse_tree.len, (const uint8_t *)result.parse_tree.data);
        if (message) pg_query__parse_result__free_unpacked(message, NULL);
      }
      pg_query_free_protobuf_parse_result(result);
    }
    free(statement);
  }
  printf("%d statements, %ld bytes of output\n", split.n_stmts, output);
  pg_query_free_split_result(split);
  free(source);
  return 0;
}

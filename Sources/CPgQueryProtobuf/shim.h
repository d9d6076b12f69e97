#ifndef MIGRATIONLINT_CPGQUERYPROTOBUF_SHIM_H
#define MIGRATIONLINT_CPGQUERYPROTOBUF_SHIM_H
// libpg_query's protobuf-c structs, for the lexer's differential test against pg_query_scan
// only: pg_query.pb-c.h needs the protobuf-c header from libprotobuf-c-dev, which building the
// tool itself does not. libpg_query.so carries the protobuf-c runtime, so only `pg_query` is linked.
#include <pg_query/pg_query.pb-c.h>
#endif

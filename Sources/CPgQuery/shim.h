#ifndef MIGRATIONLINT_CPGQUERY_SHIM_H
#define MIGRATIONLINT_CPGQUERY_SHIM_H
// libpg_query (Debian: libpg-query-dev) and its protobuf-c structs
// (pg_query.pb-c.h needs the protobuf-c header from libprotobuf-c-dev).
// libpg_query.so carries the protobuf-c runtime itself, so only `pg_query` is linked.
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#endif

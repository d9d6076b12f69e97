#ifndef MIGRATIONLINT_CLIBPQ_SHIM_H
#define MIGRATIONLINT_CLIBPQ_SHIM_H
// libpq (Debian: libpq-dev), PostgreSQL's client library: connection strings and URLs, PG*
// variables, service files, .pgpass, TLS, Unix sockets.
#include <libpq-fe.h>
#endif

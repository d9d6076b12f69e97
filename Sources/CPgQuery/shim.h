#ifndef MIGRATIONLINT_CPGQUERY_SHIM_H
#define MIGRATIONLINT_CPGQUERY_SHIM_H
// libpg_query (Debian: libpg-query-dev): its parse and fingerprint functions.
#include <pg_query.h>
#endif

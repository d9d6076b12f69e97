// libpg_query (Debian: libpg-query-dev), as the linter's own CPgQuery module reaches it.
#include <pg_query.h>

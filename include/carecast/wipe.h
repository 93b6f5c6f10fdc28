/* wipe.h: overwriting memory that held a secret or a personal identifier.
 *
 * A plain memset before free may be removed by the compiler, because the
 * memory is never read again; cc_secure_wipe writes through a volatile
 * pointer so that it cannot be. */
#ifndef CARECAST_WIPE_H
#define CARECAST_WIPE_H

#include <stddef.h>

/* Set len bytes at p to zero in a way the optimiser keeps. No operation when p is NULL. */
void cc_secure_wipe(void *p, size_t len);

#endif

/* Shared helpers for net backends. */
#include "backend/backend.h"

void net_backend_destroy(struct net_backend *be)
{
	if (be)
		be->ops->destroy(be);
}

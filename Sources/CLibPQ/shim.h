#ifndef CAPSIM_CLIBPQ_SHIM_H
#define CAPSIM_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif

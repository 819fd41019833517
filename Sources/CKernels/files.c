// File flags Swift's Glibc module does not import: they are defined only under _GNU_SOURCE.
#define _GNU_SOURCE
#include <fcntl.h>

#include "ckernels.h"

int ck_o_direct(void) { return O_DIRECT; }

/*
 * Xen's shared-ring macros (<xen/io/ring.h>) for the kernel.  ring.h
 * leaves the memory barriers to its includer; these are ours, so every
 * ring in the kernel orders its index updates the same way.
 */
#ifndef KERNEL_XEN_RING_H
#define KERNEL_XEN_RING_H

#include "lib/compiler.h"

#define xen_mb()  mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()

#include <xen/io/ring.h>

#endif

/*
 * Error numbers for the whole kernel.  Actions return 0 or one of these
 * negated.  The values are the standard Linux ones, which coincide with
 * Xen's public errno.h (xen/include/public/errno.h): that is the point, a
 * hypercall's negative result passes through our call chain unchanged and
 * means the same thing at every level.  lib/ cannot include the Xen header
 * (it depends on nothing), so the numbers are spelled out here, and
 * tests/guest/lib_errno.c checks them against XEN_Exxx.  EPROTO, ECONNRESET,
 * ENETDOWN, ENETUNREACH, EALREADY and EINPROGRESS are not in Xen's list,
 * and EINTR is internal to Xen (a guest never sees it); they keep their
 * Linux values.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define EPERM	    1
#define ENOENT	    2
#define ESRCH	    3
#define EINTR	    4
#define EIO	    5
#define ENXIO	    6
#define E2BIG	    7
#define ENOEXEC	    8
#define EBADF	    9
#define ECHILD	    10
#define EAGAIN	    11
#define ENOMEM	    12
#define EACCES	    13
#define EFAULT	    14
#define EBUSY	    16
#define EEXIST	    17
#define ENODEV	    19
#define EINVAL	    22
#define ENOSPC	    28
#define ERANGE	    34
#define ENOSYS	    38
#define ENODATA	    61
#define ETIME	    62
#define EPROTO	    71
#define EOVERFLOW   75
#define EILSEQ	    84
#define EMSGSIZE    90
#define EOPNOTSUPP  95
#define EADDRINUSE  98
#define ENETDOWN    100
#define ENETUNREACH 101
#define ECONNRESET  104
#define ENOBUFS	    105
#define EISCONN	    106
#define ENOTCONN    107
#define ETIMEDOUT   110
#define EALREADY    114
#define EINPROGRESS 115

#endif

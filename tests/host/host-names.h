/*
 * Force-included (-include) into every project source compiled for the
 * host unit tests, before anything else.  lib/ implements memcpy, strlen,
 * snprintf, ... under their standard names; linked as they are into a
 * hosted program they would clash with glibc and with the sanitizer
 * interceptors, and calls could silently resolve to glibc's versions.
 * Renaming them here, at the preprocessor, gives every definition, every
 * declaration and every call in the project sources the lib_ name, so the
 * host tests exercise our code with no #ifdef in it.  Calls the compiler
 * invents itself (struct copies) still go to glibc's memcpy, which is
 * harmless.  tests/host/check-host-names.sh verifies the result with nm.
 *
 * Keep this list in step with the functions lib/ defines under a libc
 * name.
 */
#ifndef TESTS_HOST_HOST_NAMES_H
#define TESTS_HOST_HOST_NAMES_H

#define memcpy	  lib_memcpy
#define memmove	  lib_memmove
#define memset	  lib_memset
#define memcmp	  lib_memcmp
#define memchr	  lib_memchr
#define strlen	  lib_strlen
#define strnlen	  lib_strnlen
#define strcmp	  lib_strcmp
#define strncmp	  lib_strncmp
#define strchr	  lib_strchr
#define strrchr	  lib_strrchr
#define strlcpy	  lib_strlcpy
#define vsnprintf lib_vsnprintf
#define snprintf  lib_snprintf

#endif

/* SPDX-License-Identifier: MIT */
/*
 * rx-rewrite's mailbox (hostile-netback and tests/guest/xsa155_test.c),
 * in the RX shared ring's padding (ring.h's __pad[], which no protocol
 * field uses): the guest's test writes (ring index + 1) of a response it
 * has copied and validated at NB_RW_ASK; the backend rewrites that slot
 * and writes the same value at NB_RW_DONE.  The backend waits for the
 * word only while the test has NB_RW_ARMED at NB_RW_ARM (so a guest
 * without the test is served at full speed).  Plain constants, so the
 * guest kernel can include it.
 */
#ifndef NB_MAILBOX_H
#define NB_MAILBOX_H

#define NB_RW_ASK   0
#define NB_RW_DONE  4
#define NB_RW_ARM   8
#define NB_RW_ARMED 0x6b747277u /* "ktrw" */
/* How long the backend waits for the guest's word per answer (ms). */
#define NB_RW_WAIT_MS 2000

#endif

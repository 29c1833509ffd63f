/* SPDX-License-Identifier: MIT */
/*
 * hostile-xenstore's mailbox (tests/peer/hostile-xenstore.c and
 * tests/guest/xsclient_test.c): one 32-bit word in the tail of the
 * guest's xenstore ring page, past struct xenstore_domain_interface,
 * which no protocol field uses.  While dom0's xenstored is stopped the
 * guest cannot ask xenstore, so the peer says "xenstored stopped, send
 * your request" (XSM_READY) and "xenstored runs again" (XSM_DONE) here.
 * Plain constants, so the guest kernel can include it.
 */
#ifndef XS_MAILBOX_H
#define XS_MAILBOX_H

#define XSM_OFFSET 4092
#define XSM_READY  0x6b747872u /* "ktxr" */
#define XSM_DONE   0x6b747864u /* "ktxd" */
/* The length watch-flood's hostile reply header claims (> 4096). */
#define XSM_BAD_LEN 5000
/* ring-index: rsp_prod published this far past the bytes really written. */
#define XSM_INDEX_LEAP 4096
/* watch-flood: events for the guest's watch, then the real reply. */
#define XSM_FLOOD_EVENTS 300
#define XSM_FLOOD_PATH	 "data/ktest-xs/f"
#define XSM_FLOOD_TOKEN	 "xsflood"
#define XSM_FLOOD_REPLY	 "flood-done"

#endif

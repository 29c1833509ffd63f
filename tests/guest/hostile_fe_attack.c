/*
 * The hostile frontend's attacks (hostile_fe.h), one per vif: started once
 * by hfe_start(), kept going by hfe_pump().  Each mode that has a "bad
 * part" first sends one valid frame (the probe) and waits for its OKAY,
 * so a backend that never served the ring cannot pass for one that broke
 * the device because of the attack.
 */
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/hostile_fe.h"

#define MS		 1000000ULL
#define PROBE_NS	 (10 * HFE_SEC)
#define STATE_POLL_NS	 (500 * MS)
#define ANNOUNCE_NS	 HFE_SEC
#define STORM_START	 20000
#define STORM_PER_PUMP	 10
#define CLOSEMID_WAIT_NS (10 * HFE_SEC)
#define FRAME_LEN	 60
#define FLOOD_FRAME_LEN	 1514
#define JUMP_AHEAD	 (2 * HFE_TX_RING_SIZE + 7)
/* A reference number no grant table can have (v1: 512 per frame). */
#define REF_OUT_OF_RANGE 0xfffffff0U

struct hfe_vif *hfe_find(unsigned int mode)
{
	for (unsigned int i = 0; i < hfe_nvifs; i++)
		if (hfe_vifs[i].mode == mode)
			return &hfe_vifs[i];
	return NULL;
}

static void push(struct hfe_vif *v)
{
	if (hfe_tx_push(&v->tx))
		hfe_notify(v);
}

int hfe_send_frame(struct hfe_vif *v, uint16_t size, uint16_t *id)
{
	int rc = hfe_tx_post(&v->tx, v->frame_ref, 0, size, 0, id);

	if (!rc)
		push(v);
	return rc;
}

bool hfe_id_answered(void *arg)
{
	struct hfe_id_wait *w = arg;

	return w->v->tx.status[w->id] != HFE_ST_PENDING;
}

/* One valid frame, answered OKAY within PROBE_NS: the ring works. */
static int probe(struct hfe_vif *v)
{
	struct hfe_id_wait w = {.v = v};
	int rc = hfe_send_frame(v, FRAME_LEN, &w.id);

	if (rc)
		return rc;
	if (!hfe_run(hfe_id_answered, &w, PROBE_NS))
		return -ETIMEDOUT;
	v->probe_ok = v->tx.status[w.id] == NETIF_RSP_OKAY;
	return v->probe_ok ? 0 : -EIO;
}

static void mark_attack(struct hfe_vif *v, uint16_t id, uint8_t slots)
{
	if (v->attack_n < ARRAY_SIZE(v->attack_id)) {
		v->attack_id[v->attack_n] = id;
		v->attack_slots[v->attack_n] = slots;
		v->attack_n++;
	}
}

static int bad_single(struct hfe_vif *v, grant_ref_t ref, uint16_t off,
		      uint16_t size)
{
	uint16_t id;
	int rc = hfe_tx_post(&v->tx, ref, off, size, 0, &id);

	if (!rc)
		mark_attack(v, id, 1);
	return rc;
}

static int start_badref(struct hfe_vif *v)
{
	grant_ref_t revoked;
	int rc;

	/* A reference of our table that is free: granted, then ended. */
	rc = gnttab_grant_access(
	    v->be_id, (uintptr_t)v->frame_page >> PAGE_SHIFT, true, &revoked);
	if (rc)
		return rc;
	rc = gnttab_end_access(revoked);
	rc = rc ?: bad_single(v, REF_OUT_OF_RANGE, 0, FRAME_LEN);
	rc = rc ?: bad_single(v, revoked, 0, FRAME_LEN);
	return rc;
}

static int start_badsize(struct hfe_vif *v)
{
	int rc;

	/* Zero length, the largest size, a fragment crossing the page. */
	rc = bad_single(v, v->frame_ref, 0, 0);
	rc = rc ?: bad_single(v, v->frame_ref, 0, 0xffff);
	rc = rc ?: bad_single(v, v->frame_ref, PAGE_SIZE - 96, 200);
	return rc;
}

static int start_multislot(struct hfe_vif *v)
{
	grant_ref_t refs[3] = {v->frame_ref, v->frame_ref, v->frame_ref};
	uint16_t id;
	int rc;

	/* Consistent chains: what a scatter-gather frontend sends. */
	rc = hfe_tx_post_chain(&v->tx, refs, 2, 200, 100, &id);
	if (!rc)
		mark_attack(v, id, 2);
	rc = rc ?: hfe_tx_post_chain(&v->tx, refs, 3, 300, 100, &id);
	if (!rc)
		mark_attack(v, id, 3);
	return rc;
}

static int start_prodjump(struct hfe_vif *v)
{
	uint16_t id;
	int rc;

	/*
	 * One valid request, then a producer far past it: a backend that
	 * answers the request processed a ring it had to refuse.
	 */
	rc = hfe_tx_post(&v->tx, v->frame_ref, 0, FRAME_LEN, 0, &id);
	if (rc)
		return rc;
	mark_attack(v, id, 1);
	hfe_tx_jump(&v->tx, JUMP_AHEAD);
	return 0;
}

static void storm(struct hfe_vif *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (hfe_notify(v))
			v->storm_fail++;
		else
			v->storm_sent++;
	}
}

static void announce(struct hfe_vif *v, uint64_t now)
{
	uint16_t id;

	/* To our own MAC: a switch learns our port and forwards nothing. */
	if (!hfe_send_frame(v, FRAME_LEN, &id))
		v->announces++;
	v->last_announce_ns = now;
}

static int start_flood(struct hfe_vif *v)
{
	struct hfe_vif *norx = hfe_find(HFE_NORX);
	unsigned int per_page = HFE_FLOOD_REFS / HFE_FLOOD_PAGES;
	struct hfe_flood *f;

	f = mm_zalloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	v->flood = f;
	v->flood_size = FLOOD_FRAME_LEN;
	/* At a vif that never takes RX; else our own MAC (never forwarded) */
	memcpy(v->flood_dst, norx ? norx->mac : v->mac, 6);
	for (unsigned int p = 0; p < HFE_FLOOD_PAGES; p++) {
		void *page = mm_page_alloc_zeroed(0);

		if (!page)
			break;
		v->flood_pages[p] = page;
		hfe_frame(page, FLOOD_FRAME_LEN, v->flood_dst, v->mac,
			  (uint8_t)p);
		for (unsigned int k = 0; k < per_page; k++) {
			grant_ref_t *r = &f->refs[v->flood_granted];

			if (gnttab_grant_access(v->be_id,
						(uintptr_t)page >> PAGE_SHIFT,
						true, r))
				goto out;
			v->flood_granted++;
		}
	}
out:
	f->nrefs = v->flood_granted;
	pr_info("hostile_fe: %s: flood of %u grants over %u pages\n", v->dev,
		f->nrefs, HFE_FLOOD_PAGES);
	if (!f->nrefs)
		return -ENOMEM;
	if (hfe_flood_fill(&v->tx, f, v->flood_size))
		push(v);
	return 0;
}

static int start_closemid(struct hfe_vif *v)
{
	int rc;

	/* Requests written and published, the backend not told... */
	for (unsigned int i = 0; i < HFE_CLOSEMID_REQ; i++)
		if (hfe_tx_post(&v->tx, v->frame_ref, 0, FRAME_LEN, 0, NULL))
			break;
	(void)hfe_tx_push(&v->tx);
	hfe_tx_reap(&v->tx, time_now_ns(), NULL, NULL);
	v->closemid_inflight = hfe_tx_inflight(&v->tx);
	/* ...then Closing under them, and the kick. */
	rc = hfe_vif_state(v, XenbusStateClosing);
	hfe_notify(v);
	v->closemid_step = 1;
	v->closemid_ns = time_now_ns();
	return rc;
}

int hfe_start(struct hfe_vif *v)
{
	int rc = 0;

	if (!v->connected)
		return -ENOTCONN;
	hfe_frame(v->frame_page, FRAME_LEN, v->mac, v->mac, 0x5a);
	switch (v->mode) {
	case HFE_BADREF:
	case HFE_BADSIZE:
	case HFE_MULTISLOT:
	case HFE_PRODJUMP:
	case HFE_STORM:
		rc = probe(v);
		break;
	default:
		break;
	}
	if (rc) {
		pr_err("hostile_fe: %s: probe frame not answered OKAY (%d)\n",
		       v->dev, rc);
		return rc;
	}
	v->attack_ns = time_now_ns();
	v->attack_from = v->tx.ring.req_prod_pvt;
	switch (v->mode) {
	case HFE_FLOOD:
		rc = start_flood(v);
		break;
	case HFE_BADREF:
		rc = start_badref(v);
		break;
	case HFE_BADSIZE:
		rc = start_badsize(v);
		break;
	case HFE_MULTISLOT:
		rc = start_multislot(v);
		break;
	case HFE_PRODJUMP:
		rc = start_prodjump(v);
		break;
	case HFE_STORM:
		storm(v, STORM_START);
		break;
	case HFE_NORX:
		announce(v, v->attack_ns);
		break;
	case HFE_CLOSEMID:
		rc = start_closemid(v);
		break;
	}
	if (v->mode != HFE_PRODJUMP && v->mode != HFE_CLOSEMID)
		push(v);
	else if (v->mode == HFE_PRODJUMP)
		hfe_notify(v);
	v->started = !rc;
	pr_info("hostile_fe: %s: %s started (%d)\n", v->dev,
		hfe_mode_name(v->mode), rc);
	return rc;
}

static bool be_closing(int st)
{
	return st < 0 || st == XenbusStateClosing || st == XenbusStateClosed;
}

static void closemid_step(struct hfe_vif *v, uint64_t now)
{
	int st = hfe_backend_state(v);

	if (v->closemid_step == 1 &&
	    (be_closing(st) || now - v->closemid_ns > CLOSEMID_WAIT_NS)) {
		/* Ring pages revoked (ended) under whatever is in flight. */
		v->connected = false;
		(void)hfe_vif_state(v, XenbusStateClosed);
		v->closemid_step = 2;
	}
	if (v->closemid_step == 2 && (st < 0 || st == XenbusStateClosed) &&
	    !hfe_vif_release(v, 0))
		v->closemid_step = 3;
}

void hfe_pump(void)
{
	uint64_t now = time_now_ns();

	for (unsigned int i = 0; i < hfe_nvifs; i++) {
		struct hfe_vif *v = &hfe_vifs[i];

		if (v->closemid_step) {
			if (v->closemid_step < 3 &&
			    now - v->state_poll_ns >= STATE_POLL_NS) {
				v->state_poll_ns = now;
				closemid_step(v, now);
			}
			continue;
		}
		/* Probes are answered before the attack starts. */
		hfe_vif_reap(v);
		if (!v->started)
			continue;
		switch (v->mode) {
		case HFE_FLOOD:
			if (hfe_flood_fill(&v->tx, v->flood, v->flood_size))
				push(v);
			break;
		case HFE_STORM:
			storm(v, STORM_PER_PUMP);
			break;
		case HFE_MULTISLOT:
			/* A clean refusal leaves the device working: check. */
			if (!v->post_sent && hfe_chains_answered(v))
				v->post_sent =
				    !hfe_send_frame(v, FRAME_LEN, &v->post_id);
			break;
		case HFE_NORX:
			if (now - v->last_announce_ns >= ANNOUNCE_NS)
				announce(v, now);
			break;
		default:
			break;
		}
	}
}

bool hfe_run(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t start = time_now_ns();

	for (;;) {
		hfe_pump();
		if (cond && cond(arg))
			return true;
		if (time_now_ns() - start >= timeout_ns)
			return false;
		sleep_ns(MS);
	}
}

/* ---- the backend's reaction ---- */

bool hfe_chains_answered(struct hfe_vif *v)
{
	for (unsigned int k = 0; k < v->attack_n; k++)
		for (unsigned int s = 0; s < v->attack_slots[k]; s++)
			if (v->tx.status[(v->attack_id[k] + s) %
					 HFE_TX_RING_SIZE] == HFE_ST_PENDING)
				return false;
	return true;
}

bool hfe_settled(struct hfe_vif *v, uint64_t now_ns)
{
	if (!v->started)
		return true;
	switch (v->mode) {
	case HFE_BADREF:
	case HFE_BADSIZE:
	case HFE_PRODJUMP:
		return hfe_reaction(v, now_ns) != HFE_R_NONE;
	case HFE_MULTISLOT:
		return v->post_sent &&
		       v->tx.status[v->post_id] != HFE_ST_PENDING;
	default:
		return true;
	}
}

static const char *const reaction_names[] = {
    [HFE_R_NONE] = "none yet",
    [HFE_R_ERROR] = "error responses",
    [HFE_R_CLOSED] = "device closed",
    [HFE_R_DEAD] = "device dead (nothing answered)",
    [HFE_R_ACCEPTED] = "bad request answered OKAY",
    [HFE_R_MISPARSE] = "responses for requests never posted",
};

const char *hfe_reaction_name(enum hfe_reaction r)
{
	return r < ARRAY_SIZE(reaction_names) ? reaction_names[r] : "?";
}

enum hfe_reaction hfe_reaction(struct hfe_vif *v, uint64_t now_ns)
{
	unsigned int pending = 0;
	int st;

	if (v->tx.prod_bad || v->tx.bad_id)
		return HFE_R_MISPARSE;
	for (unsigned int k = 0; k < v->attack_n; k++) {
		int16_t s = v->tx.status[v->attack_id[k]];

		if (s == NETIF_RSP_OKAY)
			return HFE_R_ACCEPTED;
		if (s == HFE_ST_PENDING)
			pending++;
	}
	if (v->attack_n && !pending)
		return HFE_R_ERROR;
	if (now_ns - v->state_poll_ns >= STATE_POLL_NS) {
		v->state_poll_ns = now_ns;
		st = hfe_backend_state(v);
		if (be_closing(st))
			v->closing_seen++;
	}
	if (v->closing_seen)
		return HFE_R_CLOSED;
	if (pending && now_ns - v->attack_ns >= HFE_DEAD_NS &&
	    (!v->tx.last_rsp_ns || now_ns - v->tx.last_rsp_ns >= HFE_DEAD_NS))
		return HFE_R_DEAD;
	return HFE_R_NONE;
}

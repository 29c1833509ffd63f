/*
 * Intrusive lists: order of add and add_tail, deletion from every
 * position with poisoning, and removal while iterating.
 */
#include "kernel/ktest.h"
#include "lib/list.h"

struct item {
	int val;
	struct list_node node; /* not first: container_of must subtract */
};

/* Does the list hold exactly `want`, in order, linked both ways? */
static bool list_is(struct list_node *head, const int *want, size_t n)
{
	struct item *it;
	struct list_node *prev = head;
	size_t i = 0;

	list_for_each_entry(it, head, node)
	{
		if (i >= n || it->val != want[i++] || it->node.prev != prev)
			return false;
		prev = &it->node;
	}
	return i == n && head->prev == prev;
}

static void fill(struct item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		items[i].val = (int)i;
}

KTEST(lib, list_empty_init)
{
	struct list_node head;
	static struct list_node static_head = LIST_HEAD_INIT(static_head);

	list_init(&head);
	KT_EXPECT(list_empty(&head));
	KT_EXPECT(head.next == &head && head.prev == &head);
	KT_EXPECT(list_empty(&static_head));
	KT_EXPECT(list_is(&head, NULL, 0));
}

KTEST(lib, list_add_order)
{
	static const int queue[] = {0, 1, 2, 3}, stack[] = {3, 2, 1, 0};
	struct list_node head;
	struct item items[4];
	size_t i;

	fill(items, 4);
	list_init(&head);
	for (i = 0; i < 4; i++)
		list_add_tail(&items[i].node, &head);
	KT_EXPECT(!list_empty(&head));
	KT_EXPECT(list_is(&head, queue, 4));
	KT_EXPECT_EQ(list_first_entry(&head, struct item, node)->val, 0);

	list_init(&head);
	for (i = 0; i < 4; i++)
		list_add(&items[i].node, &head);
	KT_EXPECT(list_is(&head, stack, 4));
	KT_EXPECT_EQ(list_first_entry(&head, struct item, node)->val, 3);
}

KTEST(lib, list_del_positions)
{
	static const int mid[] = {0, 1, 3, 4}, ends[] = {1, 3};
	struct list_node head;
	struct item items[5];
	size_t i;

	fill(items, 5);
	list_init(&head);
	for (i = 0; i < 5; i++)
		list_add_tail(&items[i].node, &head);

	list_del(&items[2].node);
	KT_EXPECT(list_is(&head, mid, 4));
	/* A deleted node is poisoned, so a use after removal faults. */
	KT_EXPECT(items[2].node.next == LIST_POISON_NEXT);
	KT_EXPECT(items[2].node.prev == LIST_POISON_PREV);

	list_del(&items[0].node);
	list_del(&items[4].node);
	KT_EXPECT(list_is(&head, ends, 2));

	list_del(&items[1].node);
	list_del(&items[3].node);
	KT_EXPECT(list_empty(&head));
	KT_EXPECT(head.prev == &head);

	/* A deleted node may be reused once initialised or added. */
	list_add(&items[2].node, &head);
	KT_EXPECT_EQ(list_first_entry(&head, struct item, node)->val, 2);
}

KTEST(lib, list_iterate_safe_delete)
{
	static const int odd[] = {1, 3, 5, 7};
	struct list_node head;
	struct item items[8], *it, *next;
	size_t i, seen = 0;

	fill(items, 8);
	list_init(&head);
	for (i = 0; i < 8; i++)
		list_add_tail(&items[i].node, &head);

	list_for_each_entry_safe(it, next, &head, node)
	{
		KT_EXPECT_EQ(it->val, (int)seen++);
		if (it->val % 2 == 0)
			list_del(&it->node);
	}
	KT_EXPECT_EQ(seen, 8);
	KT_EXPECT(list_is(&head, odd, 4));

	list_for_each_entry_safe(it, next, &head, node) list_del(&it->node);
	KT_EXPECT(list_empty(&head));

	seen = 0;
	list_for_each_entry(it, &head, node) seen++;
	KT_EXPECT_EQ(seen, 0);
}

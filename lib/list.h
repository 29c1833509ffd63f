/*
 * Intrusive circular doubly linked list: a struct list_node is embedded in
 * each element, and a standalone node is the list head.  An empty list is
 * a head pointing at itself, so insertion and removal never branch.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include "lib/compiler.h"

struct list_node {
	struct list_node *next;
	struct list_node *prev;
};

/*
 * Written into a deleted node: non-canonical addresses, so a use after
 * list_del faults at once (#GP, or SIGSEGV on the host) instead of quietly
 * walking freed memory.
 */
#define LIST_POISON_NEXT ((struct list_node *)0xdead000000000100UL)
#define LIST_POISON_PREV ((struct list_node *)0xdead000000000200UL)

#define LIST_HEAD_INIT(name)                                                   \
	{                                                                      \
		&(name), &(name)                                               \
	}

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

static inline void list_insert_between(struct list_node *node,
				       struct list_node *prev,
				       struct list_node *next)
{
	node->next = next;
	node->prev = prev;
	prev->next = node;
	next->prev = node;
}

/* Insert `node` right after `head`: the list works as a stack. */
static inline void list_add(struct list_node *node, struct list_node *head)
{
	list_insert_between(node, head, head->next);
}

/* Insert `node` right before `head`, at the tail: the list is a queue. */
static inline void list_add_tail(struct list_node *node, struct list_node *head)
{
	list_insert_between(node, head->prev, head);
}

/* Unlink `node` and poison it; list_init it before inserting it again. */
static inline void list_del(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = LIST_POISON_NEXT;
	node->prev = LIST_POISON_PREV;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

#define list_entry(node, type, member) container_of(node, type, member)

/* The first element; the list must not be empty. */
#define list_first_entry(head, type, member)                                   \
	list_entry((head)->next, type, member)

#define list_next_entry(pos, member)                                           \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

/* Iterate over the elements; `pos` must not be removed in the body. */
#define list_for_each_entry(pos, head, member)                                 \
	for (pos = list_first_entry(head, __typeof__(*(pos)), member);         \
	     &(pos)->member != (head); pos = list_next_entry(pos, member))

/* Iterate with `n` holding the next element, so `pos` may be removed. */
#define list_for_each_entry_safe(pos, n, head, member)                         \
	for (pos = list_first_entry(head, __typeof__(*(pos)), member),         \
	    n = list_next_entry(pos, member);                                  \
	     &(pos)->member != (head);                                         \
	     pos = n, n = list_next_entry(n, member))

#endif

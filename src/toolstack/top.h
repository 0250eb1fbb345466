/*
 * xm top / xentop: the snapshot xend returns for the `top-sample` request
 * (one line per record, written by xend_info.c, parsed here) and the
 * client-side table (top.c): header lines, per-domain rows, CPU % from
 * two samples, sorting, the interactive screen and batch mode.
 *
 * Sample text (numbers decimal, one space apart; the name is the rest of
 * its line):
 *   domus-top-sample 1
 *   host NR_CPUS CPU_MHZ TOTAL_KIB FREE_KIB VERSION
 *   time MONOTONIC_NS
 *   dom ID STATE CPU_NS MEM_KIB MAXMEM_KIB VCPUS NETS TX_BYTES TX_PKTS
 *       RX_BYTES RX_PKTS VBDS VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT NAME
 *   ... (Domain-0 first, then every domain xend lists)
 *   ram ID RESIDENT_KIB      (per running guest: its RAM pages resident
 *                             in the host; xm top does not show it)
 *   end NUMBER_OF_DOM_LINES
 * Parsers skip record types they do not know (room for new ones).
 */
#ifndef DOMUS_TOOLSTACK_TOP_H
#define DOMUS_TOOLSTACK_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TOP_SAMPLE_MAGIC "domus-top-sample 1"
#define TOP_MAX_DOMS 4096

struct top_dom {
	unsigned id;
	char state[8];
	char name[80];
	uint64_t cpu_ns;			/* vCPU time since the instance started */
	uint64_t mem_kib, maxmem_kib;
	unsigned vcpus, nets, vbds;
	uint64_t tx_bytes, tx_pkts, rx_bytes, rx_pkts;	/* the guest's view */
	uint64_t vbd_oo, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
};

struct top_sample {
	unsigned nr_cpus, cpu_mhz;
	uint64_t total_kib, free_kib;
	char version[32];
	uint64_t time_ns;			/* xend's CLOCK_MONOTONIC */
	unsigned n;
	struct top_dom *dom;			/* n entries, malloc'd */
};

/* Parses a sample; 0, -EINVAL (malformed) or -ENOMEM. On failure *s is
 * left empty (safe to free). */
int top_sample_parse(const char *text, struct top_sample *s);
void top_sample_free(struct top_sample *s);

/* Columns (sort keys), in display order. */
enum top_col {
	TOP_NAME, TOP_STATE, TOP_CPU_S, TOP_CPU_PCT, TOP_MEM, TOP_MEM_PCT, TOP_MAXMEM,
	TOP_MAXMEM_PCT, TOP_VCPUS, TOP_NETS, TOP_NETTX, TOP_NETRX, TOP_VBDS, TOP_VBD_OO,
	TOP_VBD_RD, TOP_VBD_WR, TOP_VBD_RSECT, TOP_VBD_WSECT, TOP_NCOLS,
	TOP_BY_ID = TOP_NCOLS,			/* default order: domid */
};

struct top_view {
	int sort;				/* enum top_col or TOP_BY_ID */
	bool reverse;
	bool highlight;				/* mark the sort column (terminal) */
	unsigned width;				/* truncate lines (0: no limit) */
	unsigned max_rows;			/* domain rows shown (0: all) */
};

/* Writes the header lines, the column titles and one row per domain
 * (Domain-0 first whatever the order). prev: the previous sample for CPU %
 * (NULL: 0.0, as xentop's first screen). */
void top_render(FILE *f, const struct top_sample *cur, const struct top_sample *prev,
		const struct top_view *v);

/* Fetches one sample text (malloc'd) from xend: 0 or nonzero (the fetch
 * function has printed why). */
typedef int (*top_fetch_fn)(void *ctx, char **text);

struct top_opts {
	double delay;				/* seconds between samples */
	long iterations;			/* 0: until quit */
	bool batch;				/* plain tables, no terminal control */
};

/* Runs xm top: batch (or stdout not a terminal) prints one table per
 * iteration separated by a blank line; otherwise a full-screen display
 * with keys (see docs/toolstack.md). Returns the exit status. */
int top_run(const struct top_opts *o, top_fetch_fn fetch, void *ctx);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readers for /proc/sys and /proc/net, below a root directory. */
#ifndef TWTOP_KERN_H
#define TWTOP_KERN_H

#include <limits.h>
#include <stdint.h>

#include "twtop/snapshot.h"

struct kern_paths {
	char sys[PATH_MAX];	/* ROOT/proc/sys */
	char net[PATH_MAX];	/* ROOT/proc/thread-self/net */
};

/* Sets the paths below root ("" or NULL means the real /). The net
 * directory is /proc/thread-self/net because a thread that entered another
 * namespace with setns() sees its own there (KERNEL-FACTS.md). */
void kern_paths_init(struct kern_paths *p, const char *root);

/* The sysctls twtop reports, by full name, in display order. */
extern const char *const kern_sysctl_names[];
extern const unsigned int kern_sysctl_count;

/* Reads one sysctl by full name ("net.ipv4.tcp_tw_reuse") into out.
 * A missing file gives out->present = false and returns 0; other read
 * errors return -1 with errno set (out->present false too). */
int kern_sysctl_read(const struct kern_paths *p, const char *name,
		     struct snap_sysctl *out);

/* Fills s->sysctls with every name of kern_sysctl_names. */
void kern_read_sysctls(const struct kern_paths *p, struct snapshot *s);

/*
 * Parses /proc/net/netstat or /proc/net/snmp text: header/value line pairs
 * "Prefix: Name1 Name2 ...\nPrefix: v1 v2 ...". Appends a counter named
 * Prefix+Name (nstat's naming) for every column of the pairs whose prefix
 * equals want exactly ("TcpExt", "Tcp"). Returns 0, or -1 when a pair is
 * malformed (count mismatch, non-number). Stops silently at max.
 */
int kern_parse_counters(const char *text, const char *want,
			struct snap_counter *out, uint32_t max, uint32_t *n);

/* Reads TcpExt (netstat) and Tcp (snmp) into s->counters;
 * s->counters_present is false when neither file could be read. */
void kern_read_counters(const struct kern_paths *p, struct snapshot *s);

/* Parses /proc/net/sockstat's "TCP:" line into s->sockstat. -1 if absent. */
int kern_parse_sockstat(const char *text, struct snapshot *s);
void kern_read_sockstat(const struct kern_paths *p, struct snapshot *s);

/* Reads nf_conntrack_count and nf_conntrack_max (SYS/net/netfilter)
 * into s->conntrack; a file that is absent (nf_conntrack not loaded),
 * unreadable or not a count leaves its value absent, never 0. */
void kern_read_conntrack(const struct kern_paths *p, struct snapshot *s);

/* "32768\t60999" -> low, high. -1 if malformed or low > high. */
int kern_parse_port_range(const char *text, uint32_t *low, uint32_t *high);

/* "8080,9000-9010" -> bits set in a 65536-bit map (8192 bytes, which the
 * caller zeroes). Empty text is valid. -1 if malformed. */
int kern_parse_reserved_ports(const char *text, uint8_t *bitmap);

/* Reads a whole small file into buf (NUL-terminated). Returns the length,
 * or -1 with errno. Truncates silently at len - 1. */
long kern_read_file(const char *path, char *buf, size_t len);

#endif

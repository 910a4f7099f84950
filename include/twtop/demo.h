/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twtop --demo: a bounded twload on loopback for the dashboard to watch. */
#ifndef TWTOP_DEMO_H
#define TWTOP_DEMO_H

#include <stdbool.h>
#include <stddef.h>

struct demo;

/*
 * Starts the demo load: client-side TIME_WAIT to one destination (enough
 * to push its port group past the 50 % warning), server-side TIME_WAIT on
 * another port, and a few held connections. As root it runs in a private
 * network namespace (see demo_netns). NULL with a message in err.
 */
struct demo *demo_start(char *err, size_t errlen);

/* "/proc/PID/ns/net" of the private namespace, or NULL when the load runs
 * in our own namespace (not root). */
const char *demo_netns(const struct demo *d);

/* A short label for the header: "demo (private netns)". */
const char *demo_label(const struct demo *d);

/* Reaps finished load processes and starts again each that ended well
 * (the demo runs until twtop quits); returns how many still run. */
int demo_running(struct demo *d);

/* How many times a load has been started again. */
unsigned int demo_rounds(const struct demo *d);

/* True once a reaped load process had failed (e.g. its port was taken). */
bool demo_failed(const struct demo *d);

/* Ends the load (SIGTERM, then SIGKILL) and frees d. */
void demo_stop(struct demo *d);

#endif
